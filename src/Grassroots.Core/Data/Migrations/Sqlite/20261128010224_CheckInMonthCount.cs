using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Data.Migrations.Sqlite
{
    /// <summary>The number of check-ins stored per cadre and month (see <see cref="Grassroots.Manage.CheckInMonth.CheckIns"/>).</summary>
    public partial class CheckInMonthCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "CheckIns",
                table: "CheckInMonths",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // The months of check-ins stored before the count existed.
            migrationBuilder.Sql("""
                UPDATE "CheckInMonths" SET "CheckIns" = (SELECT count(*) FROM "CheckIns" AS c
                WHERE c."PersonId" = "CheckInMonths"."PersonId" AND substr(c."Date", 1, 8) || '01' = "CheckInMonths"."Month");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CheckIns",
                table: "CheckInMonths");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Data.Migrations.Postgres
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
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // The months of check-ins stored before the count existed.
            migrationBuilder.Sql("""
                UPDATE "CheckInMonths" AS m SET "CheckIns" = c.n
                FROM (SELECT "PersonId", date_trunc('month', "Date")::date AS month, count(*) AS n FROM "CheckIns" GROUP BY 1, 2) AS c
                WHERE m."PersonId" = c."PersonId" AND m."Month" = c.month;
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

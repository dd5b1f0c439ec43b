using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CheckInMonths : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CheckInMonths",
                columns: table => new
                {
                    PersonId = table.Column<Guid>(type: "uuid", nullable: false),
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    CheckInDays = table.Column<int>(type: "integer", nullable: false),
                    OnPostDays = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CheckInMonths", x => new { x.PersonId, x.Month });
                    table.ForeignKey(
                        name: "FK_CheckInMonths_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CheckIns_Exceptions",
                table: "CheckIns",
                columns: new[] { "Date", "RegionPath" },
                filter: "NOT \"OnPost\" OR (\"Flags\" <> 0 AND \"ReviewedAtUtc\" IS NULL)");

            migrationBuilder.CreateIndex(
                name: "IX_CheckInMonths_Month_RegionPath",
                table: "CheckInMonths",
                columns: new[] { "Month", "RegionPath" });

            // Check-ins stored before this migration: their months, computed once in bulk (later ones are added by the writer).
            migrationBuilder.Sql("""
                INSERT INTO "CheckInMonths" ("PersonId", "Month", "RegionPath", "CheckInDays", "OnPostDays")
                SELECT "PersonId", date_trunc('month', "Date")::date, max("RegionPath"),
                       bit_or(1 << (extract(day FROM "Date")::int - 1)),
                       coalesce(bit_or(1 << (extract(day FROM "Date")::int - 1)) FILTER (WHERE "OnPost"), 0)
                FROM "CheckIns"
                GROUP BY "PersonId", date_trunc('month', "Date")::date;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CheckInMonths");

            migrationBuilder.DropIndex(
                name: "IX_CheckIns_Exceptions",
                table: "CheckIns");
        }
    }
}

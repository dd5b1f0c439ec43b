using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Data.Migrations.Sqlite
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
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CheckInDays = table.Column<int>(type: "INTEGER", nullable: false),
                    OnPostDays = table.Column<int>(type: "INTEGER", nullable: false)
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
            // Dates are yyyy-MM-dd text; a sum of distinct powers of two is their OR.
            migrationBuilder.Sql("""
                INSERT INTO "CheckInMonths" ("PersonId", "Month", "RegionPath", "CheckInDays", "OnPostDays")
                SELECT "PersonId", substr("Date", 1, 8) || '01', max("RegionPath"),
                       sum(DISTINCT 1 << (CAST(substr("Date", 9, 2) AS INTEGER) - 1)),
                       coalesce(sum(DISTINCT CASE WHEN "OnPost" THEN 1 << (CAST(substr("Date", 9, 2) AS INTEGER) - 1) END), 0)
                FROM "CheckIns"
                GROUP BY "PersonId", substr("Date", 1, 8);
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

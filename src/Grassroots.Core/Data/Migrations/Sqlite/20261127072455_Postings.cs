using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Postings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "StationedRegionPath",
                table: "People",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Postings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Role = table.Column<int>(type: "INTEGER", nullable: false),
                    SpeakerPlace = table.Column<bool>(type: "INTEGER", nullable: false),
                    StartDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    EndDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: true),
                    VillageCode = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    HomeRegionPath = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    EndedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndReason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Postings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Postings_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Postings_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_People_StationedRegionPath",
                table: "People",
                column: "StationedRegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_Postings_HomeRegionPath",
                table: "Postings",
                column: "HomeRegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_Postings_PersonId_Status",
                table: "Postings",
                columns: new[] { "PersonId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Postings_RegionPath",
                table: "Postings",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_Postings_VillageId_Status",
                table: "Postings",
                columns: new[] { "VillageId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Postings");

            migrationBuilder.DropIndex(
                name: "IX_People_StationedRegionPath",
                table: "People");

            migrationBuilder.DropColumn(
                name: "StationedRegionPath",
                table: "People");
        }
    }
}

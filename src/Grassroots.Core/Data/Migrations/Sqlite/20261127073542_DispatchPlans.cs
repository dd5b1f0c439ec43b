using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DispatchPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TeamPlans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    BasedOnId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Progress = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProgressPercent = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    LocksChanged = table.Column<bool>(type: "INTEGER", nullable: false),
                    Villages = table.Column<int>(type: "INTEGER", nullable: false),
                    Candidates = table.Column<int>(type: "INTEGER", nullable: false),
                    Slots = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstSecretaryFilled = table.Column<int>(type: "INTEGER", nullable: false),
                    Filled = table.Column<int>(type: "INTEGER", nullable: false),
                    TotalCost = table.Column<long>(type: "INTEGER", nullable: false),
                    SolveMilliseconds = table.Column<double>(type: "REAL", nullable: false),
                    Certified = table.Column<bool>(type: "INTEGER", nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SolvedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ApprovedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ApprovedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PublishedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    PublishedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TeamPlans", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TeamPlans_SelectionRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "SelectionRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PlanGaps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Slot = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanGaps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlanGaps_TeamPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "TeamPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PlanGaps_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PlanLocks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Slot = table.Column<int>(type: "INTEGER", nullable: false),
                    Moved = table.Column<bool>(type: "INTEGER", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlanLocks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlanLocks_TeamPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "TeamPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TeamPlacements",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Slot = table.Column<int>(type: "INTEGER", nullable: false),
                    Locked = table.Column<bool>(type: "INTEGER", nullable: false),
                    LineFits = table.Column<bool>(type: "INTEGER", nullable: false),
                    DistanceKm = table.Column<double>(type: "REAL", nullable: false),
                    Cost = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TeamPlacements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TeamPlacements_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_TeamPlacements_TeamPlans_PlanId",
                        column: x => x.PlanId,
                        principalTable: "TeamPlans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TeamPlacements_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Postings_OneActivePerPerson",
                table: "Postings",
                column: "PersonId",
                unique: true,
                filter: "\"Status\" = 1");

            migrationBuilder.CreateIndex(
                name: "IX_PlanGaps_PlanId",
                table: "PlanGaps",
                column: "PlanId");

            migrationBuilder.CreateIndex(
                name: "IX_PlanGaps_VillageId",
                table: "PlanGaps",
                column: "VillageId");

            migrationBuilder.CreateIndex(
                name: "IX_PlanLocks_PlanId_PersonId",
                table: "PlanLocks",
                columns: new[] { "PlanId", "PersonId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TeamPlacements_PersonId",
                table: "TeamPlacements",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_TeamPlacements_PlanId_PersonId",
                table: "TeamPlacements",
                columns: new[] { "PlanId", "PersonId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TeamPlacements_VillageId",
                table: "TeamPlacements",
                column: "VillageId");

            migrationBuilder.CreateIndex(
                name: "IX_TeamPlans_RegionPath",
                table: "TeamPlans",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_TeamPlans_RoundId_Number",
                table: "TeamPlans",
                columns: new[] { "RoundId", "Number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PlanGaps");

            migrationBuilder.DropTable(
                name: "PlanLocks");

            migrationBuilder.DropTable(
                name: "TeamPlacements");

            migrationBuilder.DropTable(
                name: "TeamPlans");

            migrationBuilder.DropIndex(
                name: "IX_Postings_OneActivePerPerson",
                table: "Postings");
        }
    }
}

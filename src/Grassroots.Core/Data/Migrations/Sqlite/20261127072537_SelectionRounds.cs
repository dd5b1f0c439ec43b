using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SelectionRounds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SelectionRounds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReferenceDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    TermStart = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    TermMonths = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Avoidance = table.Column<int>(type: "INTEGER", nullable: false),
                    MismatchCost = table.Column<int>(type: "INTEGER", nullable: false),
                    PerKmCost = table.Column<int>(type: "INTEGER", nullable: false),
                    SpeakerRequired = table.Column<bool>(type: "INTEGER", nullable: false),
                    EligibilityPolicy = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SelectionRounds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Candidates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Entry = table.Column<int>(type: "INTEGER", nullable: false),
                    Statement = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    NominatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    NominatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    ReviewedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ReviewedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ReviewNote = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Candidates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Candidates_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Candidates_SelectionRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "SelectionRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RoundQuotas",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UnitId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Quota = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoundQuotas", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RoundQuotas_SelectionRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "SelectionRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_RoundQuotas_Units_UnitId",
                        column: x => x.UnitId,
                        principalTable: "Units",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "VillageDemands",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VillageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Members = table.Column<int>(type: "INTEGER", nullable: false),
                    NeedsSpeaker = table.Column<bool>(type: "INTEGER", nullable: false),
                    FitTag = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VillageDemands", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VillageDemands_SelectionRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "SelectionRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_VillageDemands_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Attestations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CandidateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    GoodPolitics = table.Column<bool>(type: "INTEGER", nullable: false),
                    StrongAbility = table.Column<bool>(type: "INTEGER", nullable: false),
                    StrongDuty = table.Column<bool>(type: "INTEGER", nullable: false),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Reviewer = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Attestations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Attestations_Candidates_CandidateId",
                        column: x => x.CandidateId,
                        principalTable: "Candidates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Attestations_CandidateId",
                table: "Attestations",
                column: "CandidateId");

            migrationBuilder.CreateIndex(
                name: "IX_Candidates_PersonId",
                table: "Candidates",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_Candidates_RoundId_PersonId",
                table: "Candidates",
                columns: new[] { "RoundId", "PersonId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Candidates_RoundId_RegionPath",
                table: "Candidates",
                columns: new[] { "RoundId", "RegionPath" });

            migrationBuilder.CreateIndex(
                name: "IX_RoundQuotas_RoundId_UnitId",
                table: "RoundQuotas",
                columns: new[] { "RoundId", "UnitId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RoundQuotas_UnitId",
                table: "RoundQuotas",
                column: "UnitId");

            migrationBuilder.CreateIndex(
                name: "IX_SelectionRounds_RegionPath",
                table: "SelectionRounds",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_VillageDemands_RoundId_VillageId",
                table: "VillageDemands",
                columns: new[] { "RoundId", "VillageId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VillageDemands_VillageId",
                table: "VillageDemands",
                column: "VillageId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Attestations");

            migrationBuilder.DropTable(
                name: "RoundQuotas");

            migrationBuilder.DropTable(
                name: "VillageDemands");

            migrationBuilder.DropTable(
                name: "Candidates");

            migrationBuilder.DropTable(
                name: "SelectionRounds");
        }
    }
}

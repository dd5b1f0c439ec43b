using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OversightAndCare : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CadreRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: false),
                    PostingId = table.Column<Guid>(type: "uuid", nullable: false),
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    To = table.Column<int>(type: "integer", nullable: false),
                    Subject = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    AskedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AnsweredAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    AnsweredBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Answer = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ClosedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClosedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CloseNote = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CadreRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CadreRequests_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CadreRequests_Postings_PostingId",
                        column: x => x.PostingId,
                        principalTable: "Postings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CadreRequests_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CareFunds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    RoundId = table.Column<Guid>(type: "uuid", nullable: true),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Budget = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Spent = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Entries = table.Column<int>(type: "integer", nullable: false),
                    Note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CareFunds", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CareFunds_SelectionRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "SelectionRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CareFunds_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "DispatchChecks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: true),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Method = table.Column<int>(type: "integer", nullable: false),
                    Answered = table.Column<bool>(type: "boolean", nullable: false),
                    OnPost = table.Column<bool>(type: "boolean", nullable: true),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    By = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    RecordedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DispatchChecks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DispatchChecks_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DispatchChecks_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "FieldVisits",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Visitors = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CadresMet = table.Column<int>(type: "integer", nullable: false),
                    Summary = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    By = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    RecordedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FieldVisits", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FieldVisits_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "InspectionDraws",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RegionCode = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    Seed = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    InspectorsPerTeam = table.Column<int>(type: "integer", nullable: false),
                    WindowFrom = table.Column<DateOnly>(type: "date", nullable: false),
                    WindowTo = table.Column<DateOnly>(type: "date", nullable: false),
                    PlannedDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Inputs = table.Column<string>(type: "text", nullable: false),
                    Picks = table.Column<string>(type: "text", nullable: false),
                    DrawnAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DrawnBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InspectionDraws", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RollCalls",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    StartedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LimitMinutes = table.Column<int>(type: "integer", nullable: false),
                    DeadlineUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    By = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollCalls", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RollCalls_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RequestEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    By = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Action = table.Column<int>(type: "integer", nullable: false),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RequestEvents_CadreRequests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "CadreRequests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CareEntries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    FundId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Purpose = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ReceiptNo = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    OverspendReason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    BalanceAfter = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    RecordedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RecordedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CareEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CareEntries_CareFunds_FundId",
                        column: x => x.FundId,
                        principalTable: "CareFunds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Inspections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    DrawId = table.Column<Guid>(type: "uuid", nullable: true),
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    PlannedDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: true),
                    Methods = table.Column<int>(type: "integer", nullable: false),
                    Inspectors = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Summary = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    OnPostRate = table.Column<double>(type: "double precision", nullable: true),
                    RiskWeight = table.Column<double>(type: "double precision", nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    RecordedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RecordedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Inspections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Inspections_InspectionDraws_DrawId",
                        column: x => x.DrawId,
                        principalTable: "InspectionDraws",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Inspections_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RollCallTargets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RollCallId = table.Column<Guid>(type: "uuid", nullable: false),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: false),
                    Role = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollCallTargets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RollCallTargets_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_RollCallTargets_RollCalls_RollCallId",
                        column: x => x.RollCallId,
                        principalTable: "RollCalls",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "InspectedCadres",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    InspectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: false),
                    Role = table.Column<int>(type: "integer", nullable: false),
                    OnPost = table.Column<bool>(type: "boolean", nullable: false),
                    Note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InspectedCadres", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InspectedCadres_Inspections_InspectionId",
                        column: x => x.InspectionId,
                        principalTable: "Inspections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_InspectedCadres_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "InspectionFindings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    InspectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Weight = table.Column<int>(type: "integer", nullable: false),
                    Text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InspectionFindings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InspectionFindings_Inspections_InspectionId",
                        column: x => x.InspectionId,
                        principalTable: "Inspections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FollowUps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    InspectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    FindingId = table.Column<Guid>(type: "uuid", nullable: true),
                    VillageId = table.Column<Guid>(type: "uuid", nullable: false),
                    RegionPath = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: true),
                    IssuedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Deadline = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    IssuedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    IssuedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ClosedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    ClosedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClosedBy = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ClosingNote = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FollowUps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FollowUps_InspectionFindings_FindingId",
                        column: x => x.FindingId,
                        principalTable: "InspectionFindings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_FollowUps_Inspections_InspectionId",
                        column: x => x.InspectionId,
                        principalTable: "Inspections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FollowUps_Villages_VillageId",
                        column: x => x.VillageId,
                        principalTable: "Villages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CadreRequests_AskedAtUtc",
                table: "CadreRequests",
                column: "AskedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_CadreRequests_PersonId_AskedAtUtc",
                table: "CadreRequests",
                columns: new[] { "PersonId", "AskedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_CadreRequests_PostingId",
                table: "CadreRequests",
                column: "PostingId");

            migrationBuilder.CreateIndex(
                name: "IX_CadreRequests_RegionPath_Status",
                table: "CadreRequests",
                columns: new[] { "RegionPath", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_CadreRequests_VillageId",
                table: "CadreRequests",
                column: "VillageId");

            migrationBuilder.CreateIndex(
                name: "IX_CareEntries_FundId_Number",
                table: "CareEntries",
                columns: new[] { "FundId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CareEntries_FundId_ReceiptNo",
                table: "CareEntries",
                columns: new[] { "FundId", "ReceiptNo" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CareFunds_RegionPath",
                table: "CareFunds",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_CareFunds_RoundId",
                table: "CareFunds",
                column: "RoundId");

            migrationBuilder.CreateIndex(
                name: "IX_CareFunds_VillageId_Kind_RoundId",
                table: "CareFunds",
                columns: new[] { "VillageId", "Kind", "RoundId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DispatchChecks_AtUtc",
                table: "DispatchChecks",
                column: "AtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_DispatchChecks_PersonId",
                table: "DispatchChecks",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_DispatchChecks_RegionPath_AtUtc",
                table: "DispatchChecks",
                columns: new[] { "RegionPath", "AtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_DispatchChecks_VillageId",
                table: "DispatchChecks",
                column: "VillageId");

            migrationBuilder.CreateIndex(
                name: "IX_FieldVisits_Date",
                table: "FieldVisits",
                column: "Date");

            migrationBuilder.CreateIndex(
                name: "IX_FieldVisits_RegionPath_Date",
                table: "FieldVisits",
                columns: new[] { "RegionPath", "Date" });

            migrationBuilder.CreateIndex(
                name: "IX_FieldVisits_VillageId",
                table: "FieldVisits",
                column: "VillageId");

            migrationBuilder.CreateIndex(
                name: "IX_FollowUps_FindingId",
                table: "FollowUps",
                column: "FindingId");

            migrationBuilder.CreateIndex(
                name: "IX_FollowUps_InspectionId",
                table: "FollowUps",
                column: "InspectionId");

            migrationBuilder.CreateIndex(
                name: "IX_FollowUps_RegionPath",
                table: "FollowUps",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_FollowUps_Status_Deadline",
                table: "FollowUps",
                columns: new[] { "Status", "Deadline" });

            migrationBuilder.CreateIndex(
                name: "IX_FollowUps_VillageId",
                table: "FollowUps",
                column: "VillageId");

            migrationBuilder.CreateIndex(
                name: "IX_InspectedCadres_InspectionId_PersonId",
                table: "InspectedCadres",
                columns: new[] { "InspectionId", "PersonId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InspectedCadres_PersonId",
                table: "InspectedCadres",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_InspectionDraws_RegionPath_DrawnAtUtc",
                table: "InspectionDraws",
                columns: new[] { "RegionPath", "DrawnAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_InspectionFindings_InspectionId",
                table: "InspectionFindings",
                column: "InspectionId");

            migrationBuilder.CreateIndex(
                name: "IX_Inspections_Date",
                table: "Inspections",
                column: "Date");

            migrationBuilder.CreateIndex(
                name: "IX_Inspections_DrawId",
                table: "Inspections",
                column: "DrawId");

            migrationBuilder.CreateIndex(
                name: "IX_Inspections_RegionPath_Status",
                table: "Inspections",
                columns: new[] { "RegionPath", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Inspections_VillageId",
                table: "Inspections",
                column: "VillageId");

            migrationBuilder.CreateIndex(
                name: "IX_RequestEvents_RequestId",
                table: "RequestEvents",
                column: "RequestId");

            migrationBuilder.CreateIndex(
                name: "IX_RollCalls_DeadlineUtc",
                table: "RollCalls",
                column: "DeadlineUtc");

            migrationBuilder.CreateIndex(
                name: "IX_RollCalls_RegionPath_StartedAtUtc",
                table: "RollCalls",
                columns: new[] { "RegionPath", "StartedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_RollCalls_VillageId",
                table: "RollCalls",
                column: "VillageId");

            migrationBuilder.CreateIndex(
                name: "IX_RollCallTargets_PersonId",
                table: "RollCallTargets",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_RollCallTargets_RollCallId_PersonId",
                table: "RollCallTargets",
                columns: new[] { "RollCallId", "PersonId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CareEntries");

            migrationBuilder.DropTable(
                name: "DispatchChecks");

            migrationBuilder.DropTable(
                name: "FieldVisits");

            migrationBuilder.DropTable(
                name: "FollowUps");

            migrationBuilder.DropTable(
                name: "InspectedCadres");

            migrationBuilder.DropTable(
                name: "RequestEvents");

            migrationBuilder.DropTable(
                name: "RollCallTargets");

            migrationBuilder.DropTable(
                name: "CareFunds");

            migrationBuilder.DropTable(
                name: "InspectionFindings");

            migrationBuilder.DropTable(
                name: "CadreRequests");

            migrationBuilder.DropTable(
                name: "RollCalls");

            migrationBuilder.DropTable(
                name: "Inspections");

            migrationBuilder.DropTable(
                name: "InspectionDraws");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Grassroots.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CheckInPostingKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // SQLite rebuilds both tables, copying CheckIns while the old Postings is still the parent: its new foreign key
            // needs a unique index on the parent's three columns at that moment. The index goes with the old table.
            migrationBuilder.Sql("CREATE UNIQUE INDEX \"IX_Postings_Key_Before_Rebuild\" ON \"Postings\" (\"Id\", \"PersonId\", \"VillageId\");");

            migrationBuilder.AddUniqueConstraint(
                name: "AK_Postings_Id_PersonId_VillageId",
                table: "Postings",
                columns: new[] { "Id", "PersonId", "VillageId" });

            migrationBuilder.DropForeignKey(
                name: "FK_CheckIns_People_PersonId",
                table: "CheckIns");

            migrationBuilder.DropForeignKey(
                name: "FK_CheckIns_Postings_PostingId",
                table: "CheckIns");

            migrationBuilder.DropForeignKey(
                name: "FK_CheckIns_Villages_VillageId",
                table: "CheckIns");

            migrationBuilder.DropIndex(
                name: "IX_CheckIns_PostingId",
                table: "CheckIns");

            migrationBuilder.DropIndex(
                name: "IX_CheckIns_VillageId",
                table: "CheckIns");

            migrationBuilder.CreateIndex(
                name: "IX_CheckIns_PostingId_PersonId_VillageId",
                table: "CheckIns",
                columns: new[] { "PostingId", "PersonId", "VillageId" });

            migrationBuilder.AddForeignKey(
                name: "FK_CheckIns_Postings_PostingId_PersonId_VillageId",
                table: "CheckIns",
                columns: new[] { "PostingId", "PersonId", "VillageId" },
                principalTable: "Postings",
                principalColumns: new[] { "Id", "PersonId", "VillageId" },
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_CheckIns_Postings_PostingId_PersonId_VillageId",
                table: "CheckIns");

            migrationBuilder.DropUniqueConstraint(
                name: "AK_Postings_Id_PersonId_VillageId",
                table: "Postings");

            migrationBuilder.DropIndex(
                name: "IX_CheckIns_PostingId_PersonId_VillageId",
                table: "CheckIns");

            migrationBuilder.CreateIndex(
                name: "IX_CheckIns_PostingId",
                table: "CheckIns",
                column: "PostingId");

            migrationBuilder.CreateIndex(
                name: "IX_CheckIns_VillageId",
                table: "CheckIns",
                column: "VillageId");

            migrationBuilder.AddForeignKey(
                name: "FK_CheckIns_People_PersonId",
                table: "CheckIns",
                column: "PersonId",
                principalTable: "People",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_CheckIns_Postings_PostingId",
                table: "CheckIns",
                column: "PostingId",
                principalTable: "Postings",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_CheckIns_Villages_VillageId",
                table: "CheckIns",
                column: "VillageId",
                principalTable: "Villages",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}

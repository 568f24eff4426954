using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Users.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class UserJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "user_jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    dedupe_key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    max_attempts = table.Column<int>(type: "integer", nullable: false),
                    visible_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    lease_token = table.Column<Guid>(type: "uuid", nullable: true),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    total = table.Column<int>(type: "integer", nullable: false),
                    succeeded = table.Column<int>(type: "integer", nullable: false),
                    failed = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_jobs", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_user_jobs_status_visible_until",
                table: "user_jobs",
                columns: new[] { "status", "visible_until" });

            migrationBuilder.CreateIndex(
                name: "ix_user_jobs_type_created_at",
                table: "user_jobs",
                columns: new[] { "type", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ux_user_jobs_live_dedupe_key",
                table: "user_jobs",
                column: "dedupe_key",
                unique: true,
                filter: "status IN ('pending', 'running') AND dedupe_key IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "user_jobs");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Pool.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Pool : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "child_accounts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    mother_id = table.Column<Guid>(type: "uuid", nullable: false),
                    team_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    member_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_child_accounts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "mother_teams",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    mother_id = table.Column<Guid>(type: "uuid", nullable: false),
                    team_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    is_default = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mother_teams", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "mothers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    provider = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    group_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seat_limit = table.Column<int>(type: "integer", nullable: false),
                    access_token_protected = table.Column<string>(type: "text", nullable: false),
                    token_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    schedulable = table.Column<bool>(type: "boolean", nullable: false),
                    rate_limited_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mothers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "pool_groups",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    team_name_template = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    email_template = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    email_domain = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pool_groups", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "pool_jobs",
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
                    table.PrimaryKey("pk_pool_jobs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "pool_sequences",
                columns: table => new
                {
                    group_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    day = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    value = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pool_sequences", x => new { x.group_id, x.kind, x.day });
                });

            migrationBuilder.CreateTable(
                name: "seat_allocations",
                columns: table => new
                {
                    redemption_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    group_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seat_days = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    cancel_requested = table.Column<bool>(type: "boolean", nullable: false),
                    mother_id = table.Column<Guid>(type: "uuid", nullable: true),
                    team_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    slot = table.Column<int>(type: "integer", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_seat_allocations", x => x.redemption_id);
                });

            migrationBuilder.CreateTable(
                name: "seats",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    mother_id = table.Column<Guid>(type: "uuid", nullable: false),
                    slot = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    held_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    team_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    redemption_id = table.Column<Guid>(type: "uuid", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    allocated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_seats", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_child_accounts_mother_id_team_id_email",
                table: "child_accounts",
                columns: new[] { "mother_id", "team_id", "email" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_mother_teams_mother_id_team_id",
                table: "mother_teams",
                columns: new[] { "mother_id", "team_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_mothers_email",
                table: "mothers",
                column: "email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_mothers_group_id_status",
                table: "mothers",
                columns: new[] { "group_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_pool_groups_name",
                table: "pool_groups",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_pool_jobs_status_visible_until",
                table: "pool_jobs",
                columns: new[] { "status", "visible_until" });

            migrationBuilder.CreateIndex(
                name: "ix_pool_jobs_type_created_at",
                table: "pool_jobs",
                columns: new[] { "type", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ux_pool_jobs_live_dedupe_key",
                table: "pool_jobs",
                column: "dedupe_key",
                unique: true,
                filter: "status IN ('pending', 'running') AND dedupe_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_seats_mother_id_slot",
                table: "seats",
                columns: new[] { "mother_id", "slot" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_seats_redemption_id",
                table: "seats",
                column: "redemption_id",
                unique: true,
                filter: "redemption_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_seats_team_id_email",
                table: "seats",
                columns: new[] { "team_id", "email" },
                unique: true,
                filter: "email IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "child_accounts");

            migrationBuilder.DropTable(
                name: "mother_teams");

            migrationBuilder.DropTable(
                name: "mothers");

            migrationBuilder.DropTable(
                name: "pool_groups");

            migrationBuilder.DropTable(
                name: "pool_jobs");

            migrationBuilder.DropTable(
                name: "pool_sequences");

            migrationBuilder.DropTable(
                name: "seat_allocations");

            migrationBuilder.DropTable(
                name: "seats");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pool.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Relay : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "relay_round_robin");

            migrationBuilder.CreateTable(
                name: "relay_slots",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    scope = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relay_slots", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "relay_sticky_sessions",
                columns: table => new
                {
                    session_hash = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    mother_id = table.Column<Guid>(type: "uuid", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relay_sticky_sessions", x => x.session_hash);
                });

            migrationBuilder.CreateTable(
                name: "relay_usage",
                columns: table => new
                {
                    period = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    bucket_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    api_key_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    mother_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    input_tokens = table.Column<long>(type: "bigint", nullable: false),
                    output_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cache_create_tokens = table.Column<long>(type: "bigint", nullable: false),
                    cache_read_tokens = table.Column<long>(type: "bigint", nullable: false),
                    requests = table.Column<long>(type: "bigint", nullable: false),
                    cost = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relay_usage", x => new { x.api_key_id, x.period, x.bucket_start, x.mother_id, x.model });
                });

            migrationBuilder.CreateIndex(
                name: "ix_relay_slots_scope_expires_at",
                table: "relay_slots",
                columns: new[] { "scope", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_relay_sticky_sessions_expires_at",
                table: "relay_sticky_sessions",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_relay_sticky_sessions_mother_id",
                table: "relay_sticky_sessions",
                column: "mother_id");

            migrationBuilder.CreateIndex(
                name: "ix_relay_usage_mother_id_period_bucket_start",
                table: "relay_usage",
                columns: new[] { "mother_id", "period", "bucket_start" });

            migrationBuilder.CreateIndex(
                name: "ix_relay_usage_period_bucket_start",
                table: "relay_usage",
                columns: new[] { "period", "bucket_start" });

            migrationBuilder.CreateIndex(
                name: "ix_relay_usage_user_id_period_bucket_start",
                table: "relay_usage",
                columns: new[] { "user_id", "period", "bucket_start" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "relay_slots");

            migrationBuilder.DropTable(
                name: "relay_sticky_sessions");

            migrationBuilder.DropTable(
                name: "relay_usage");

            migrationBuilder.DropSequence(
                name: "relay_round_robin");
        }
    }
}

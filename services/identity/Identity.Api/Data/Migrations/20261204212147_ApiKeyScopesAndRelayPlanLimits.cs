using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Identity.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class ApiKeyScopesAndRelayPlanLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Keys made before scopes existed reached everything: they keep both scopes. New keys name theirs
            // (relay unless asked), so the column keeps no default.
            migrationBuilder.AddColumn<List<string>>(
                name: "scopes",
                table: "api_keys",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{api,relay}'::text[]");
            migrationBuilder.Sql("ALTER TABLE api_keys ALTER COLUMN scopes DROP DEFAULT");

            migrationBuilder.CreateTable(
                name: "relay_plan_limits",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    daily_cost = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    requests_per_minute = table.Column<int>(type: "integer", nullable: true),
                    concurrency = table.Column<int>(type: "integer", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relay_plan_limits", x => x.user_id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "relay_plan_limits");

            migrationBuilder.DropColumn(
                name: "scopes",
                table: "api_keys");
        }
    }
}

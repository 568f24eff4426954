using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pool.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class RelayPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "relay_plan_versions");

            migrationBuilder.CreateTable(
                name: "relay_plan_orders",
                columns: table => new
                {
                    order_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    days = table.Column<int>(type: "integer", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    applied_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relay_plan_orders", x => x.order_bid);
                });

            migrationBuilder.CreateTable(
                name: "relay_plans",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    daily_cost = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    requests_per_minute = table.Column<int>(type: "integer", nullable: false),
                    concurrency = table.Column<int>(type: "integer", nullable: false),
                    allowed_models = table.Column<List<string>>(type: "text[]", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    source = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relay_plans", x => x.user_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_relay_plan_orders_user_id",
                table: "relay_plan_orders",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_relay_plans_expires_at",
                table: "relay_plans",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "relay_plan_orders");

            migrationBuilder.DropTable(
                name: "relay_plans");

            migrationBuilder.DropSequence(
                name: "relay_plan_versions");
        }
    }
}

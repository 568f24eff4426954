using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Promo.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class HelpTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "helpers_required",
                table: "promo_orders",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "payout_ledger",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    task_id = table.Column<Guid>(type: "uuid", nullable: false),
                    task_no = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    user_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    order_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    helper_user_bids = table.Column<List<string>>(type: "text[]", nullable: false),
                    helper_order_bids = table.Column<List<string>>(type: "text[]", nullable: false),
                    qualified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    payout_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    payout_status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    risk_level = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    risk_reasons = table.Column<List<string>>(type: "text[]", nullable: false),
                    note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    @operator = table.Column<string>(name: "operator", type: "character varying(100)", maxLength: 100, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_ledger", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "promo_help_tasks",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    task_no = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    owner_user_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    order_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    required_helpers = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    qualified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    payout_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_help_tasks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "promo_helps",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    task_id = table.Column<Guid>(type: "uuid", nullable: false),
                    helper_user_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    order_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_helps", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_payout_ledger_payout_status",
                table: "payout_ledger",
                column: "payout_status");

            migrationBuilder.CreateIndex(
                name: "ix_payout_ledger_task_id",
                table: "payout_ledger",
                column: "task_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_promo_help_tasks_order_bid",
                table: "promo_help_tasks",
                column: "order_bid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_promo_help_tasks_owner_user_bid",
                table: "promo_help_tasks",
                column: "owner_user_bid");

            migrationBuilder.CreateIndex(
                name: "ix_promo_help_tasks_status_payout_at",
                table: "promo_help_tasks",
                columns: new[] { "status", "payout_at" });

            migrationBuilder.CreateIndex(
                name: "ix_promo_help_tasks_task_no",
                table: "promo_help_tasks",
                column: "task_no",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_promo_helps_order_bid",
                table: "promo_helps",
                column: "order_bid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_promo_helps_task_id_helper_user_bid",
                table: "promo_helps",
                columns: new[] { "task_id", "helper_user_bid" },
                unique: true,
                filter: "status <> 'void'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "payout_ledger");

            migrationBuilder.DropTable(
                name: "promo_help_tasks");

            migrationBuilder.DropTable(
                name: "promo_helps");

            migrationBuilder.DropColumn(
                name: "helpers_required",
                table: "promo_orders");
        }
    }
}

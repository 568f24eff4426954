using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Promo.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Orders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "promo_campaign_applications",
                columns: table => new
                {
                    campaign_application_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    campaign_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    order_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    user_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    campaign_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    discount_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    value = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    discount_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    deleted = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_campaign_applications", x => x.campaign_application_bid);
                });

            migrationBuilder.CreateTable(
                name: "promo_campaigns",
                columns: table => new
                {
                    campaign_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    join_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    start_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    end_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    discount_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    value = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    channel = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    filter = table.Column<string>(type: "jsonb", nullable: false),
                    deleted = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_campaigns", x => x.campaign_bid);
                });

            migrationBuilder.CreateTable(
                name: "promo_coupon_usages",
                columns: table => new
                {
                    coupon_usage_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    coupon_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    user_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    order_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    discount_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    value = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_coupon_usages", x => x.coupon_usage_bid);
                });

            migrationBuilder.CreateTable(
                name: "promo_coupons",
                columns: table => new
                {
                    coupon_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    discount_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    usage_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    value = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    start_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    end_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    channel = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    filter = table.Column<string>(type: "jsonb", nullable: false),
                    total_count = table.Column<int>(type: "integer", nullable: false),
                    used_count = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    deleted = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_coupons", x => x.coupon_bid);
                    table.CheckConstraint("ck_promo_coupons_used_count", "used_count >= 0 AND used_count <= total_count");
                });

            migrationBuilder.CreateTable(
                name: "promo_orders",
                columns: table => new
                {
                    order_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    user_bid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    sku_id = table.Column<Guid>(type: "uuid", nullable: false),
                    product_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sku_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    unit_price = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    discount_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    pay_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    coupon_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    coupon_discount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    help_task_no = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    recipient_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    recipient_phone = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    shipping_address = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    close_reason = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    payment_ref = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    paid_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    shipped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_orders", x => x.order_bid);
                });

            migrationBuilder.CreateTable(
                name: "promo_products",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_products", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "promo_skus",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    product_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    price = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    stock = table.Column<int>(type: "integer", nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    helpers_required = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_skus", x => x.id);
                    table.CheckConstraint("ck_promo_skus_stock", "stock >= 0");
                    table.ForeignKey(
                        name: "fk_promo_skus_promo_products_product_id",
                        column: x => x.product_id,
                        principalTable: "promo_products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_promo_campaign_applications_campaign_bid",
                table: "promo_campaign_applications",
                column: "campaign_bid");

            migrationBuilder.CreateIndex(
                name: "ix_promo_campaign_applications_order_bid_campaign_bid",
                table: "promo_campaign_applications",
                columns: new[] { "order_bid", "campaign_bid" },
                unique: true,
                filter: "NOT deleted");

            migrationBuilder.CreateIndex(
                name: "ix_promo_campaigns_join_type_status",
                table: "promo_campaigns",
                columns: new[] { "join_type", "status" },
                filter: "NOT deleted");

            migrationBuilder.CreateIndex(
                name: "ix_promo_coupon_usages_code",
                table: "promo_coupon_usages",
                column: "code");

            migrationBuilder.CreateIndex(
                name: "ix_promo_coupon_usages_coupon_bid",
                table: "promo_coupon_usages",
                column: "coupon_bid");

            migrationBuilder.CreateIndex(
                name: "ix_promo_coupon_usages_order_bid",
                table: "promo_coupon_usages",
                column: "order_bid",
                unique: true,
                filter: "order_bid IS NOT NULL AND status IN ('active', 'used')");

            migrationBuilder.CreateIndex(
                name: "ix_promo_coupons_code",
                table: "promo_coupons",
                column: "code",
                unique: true,
                filter: "code IS NOT NULL AND NOT deleted");

            migrationBuilder.CreateIndex(
                name: "ix_promo_orders_help_task_no",
                table: "promo_orders",
                column: "help_task_no",
                filter: "help_task_no IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_promo_orders_status_expires_at",
                table: "promo_orders",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_promo_orders_status_shipped_at",
                table: "promo_orders",
                columns: new[] { "status", "shipped_at" });

            migrationBuilder.CreateIndex(
                name: "ix_promo_orders_user_bid_created_at",
                table: "promo_orders",
                columns: new[] { "user_bid", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_promo_orders_user_bid_idempotency_key",
                table: "promo_orders",
                columns: new[] { "user_bid", "idempotency_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_promo_skus_code",
                table: "promo_skus",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_promo_skus_product_id",
                table: "promo_skus",
                column: "product_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "promo_campaign_applications");

            migrationBuilder.DropTable(
                name: "promo_campaigns");

            migrationBuilder.DropTable(
                name: "promo_coupon_usages");

            migrationBuilder.DropTable(
                name: "promo_coupons");

            migrationBuilder.DropTable(
                name: "promo_orders");

            migrationBuilder.DropTable(
                name: "promo_skus");

            migrationBuilder.DropTable(
                name: "promo_products");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Promo.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class RelayProducts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "relay",
                table: "promo_skus",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "promo_products",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                // Every product made before kinds existed sells goods.
                defaultValue: "goods");

            migrationBuilder.AddColumn<string>(
                name: "relay",
                table: "promo_orders",
                type: "jsonb",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "relay",
                table: "promo_skus");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "promo_products");

            migrationBuilder.DropColumn(
                name: "relay",
                table: "promo_orders");
        }
    }
}

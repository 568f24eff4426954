using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pool.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class RelaySettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "relay_settings",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    strategy = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relay_settings", x => x.id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "relay_settings");
        }
    }
}

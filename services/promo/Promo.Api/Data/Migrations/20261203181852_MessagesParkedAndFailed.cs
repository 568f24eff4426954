using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Promo.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class MessagesParkedAndFailed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_created_at",
                table: "outbox_messages");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "parked_at",
                table: "outbox_messages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "failed_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    endpoint = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_type = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    error = table.Column<string>(type: "text", nullable: false),
                    failures = table.Column<int>(type: "integer", nullable: false),
                    first_failed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_failed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    replayed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_failed_messages", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_created_at",
                table: "outbox_messages",
                column: "created_at",
                filter: "dispatched_at IS NULL AND parked_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_parked_at",
                table: "outbox_messages",
                column: "parked_at",
                filter: "parked_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_failed_messages_endpoint_message_id",
                table: "failed_messages",
                columns: new[] { "endpoint", "message_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_failed_messages_last_failed_at",
                table: "failed_messages",
                column: "last_failed_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "failed_messages");

            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_created_at",
                table: "outbox_messages");

            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_parked_at",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "parked_at",
                table: "outbox_messages");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_created_at",
                table: "outbox_messages",
                column: "created_at",
                filter: "dispatched_at IS NULL");
        }
    }
}

namespace Promo.Api.Catalog;

public sealed class Product
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public bool Active { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<Sku> Skus { get; set; } = [];
}

/// <summary>
/// A buyable variant of a product. <see cref="Stock"/> only ever moves by conditional updates (reserve when an order
/// is placed, release when it closes, admin deltas), so it can never go below zero. A SKU with
/// <see cref="HelpersRequired"/> above zero opens a help task when an order of it is paid.
/// </summary>
public sealed class Sku
{
    public Guid Id { get; set; }
    public Guid ProductId { get; set; }
    public Product? Product { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public decimal Price { get; set; }
    public int Stock { get; set; }
    public bool Active { get; set; }
    public int HelpersRequired { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

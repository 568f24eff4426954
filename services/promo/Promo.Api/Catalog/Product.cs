namespace Promo.Api.Catalog;

/// <summary>What a product sells: <c>goods</c> (shipped to the buyer) or <c>relay</c> (a relay plan, given when paid).</summary>
public enum ProductKind
{
    Goods,
    Relay,
}

public sealed class Product
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Set when the product is made; a relay product's SKUs each carry their <see cref="Sku.Relay"/> terms.</summary>
    public ProductKind Kind { get; set; }
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
    /// <summary>The relay plan this SKU sells (a relay product's SKUs only).</summary>
    public RelayTerms? Relay { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

namespace WebConsole.Components;

/// <summary>A promo discount as people read it.</summary>
public static class Discount
{
    public static string Text(string type, decimal value) =>
        type == "percent" ? $"{value:0.##}% off" : $"{value:0.00} off";
}

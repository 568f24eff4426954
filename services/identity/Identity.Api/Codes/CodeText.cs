using System.Globalization;

namespace Identity.Api.Codes;

/// <summary>The words around a code: configurable templates where <c>{code}</c> and <c>{minutes}</c> are filled in.</summary>
public static class CodeText
{
    public const string CodePlaceholder = "{code}";
    public const string MinutesPlaceholder = "{minutes}";

    public static string Render(string template, string code, TimeSpan validFor) => template
        .Replace(CodePlaceholder, code, StringComparison.Ordinal)
        .Replace(MinutesPlaceholder, Minutes(validFor).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Whole minutes, rounded down (at least one), so the text does not promise more time than the code has.</summary>
    public static int Minutes(TimeSpan validFor) => Math.Max(1, (int)Math.Floor(validFor.TotalMinutes));
}

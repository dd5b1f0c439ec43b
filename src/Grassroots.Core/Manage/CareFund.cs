using System.Globalization;
using Grassroots.Regions;

namespace Grassroots.Manage;

/// <summary>The two funds of S-MNG-8 a team holds.</summary>
public enum CareFundKind
{
    /// <summary>安家补贴: settling allowance for the team's cadres.</summary>
    Settling = 1,
    /// <summary>办实事经费: money for practical matters the team does for the villagers.</summary>
    PracticalMatters = 2,
}

public static class CareNames
{
    public static string Kind(CareFundKind k) => k switch
    {
        CareFundKind.Settling => "安家补贴",
        CareFundKind.PracticalMatters => "办实事经费",
        _ => k.ToString(),
    };

    public static string Key(CareFundKind k) => k switch
    {
        CareFundKind.Settling => "settling",
        CareFundKind.PracticalMatters => "practicalMatters",
        _ => k.ToString(),
    };

    public static bool TryParse(string? text, out CareFundKind kind)
    {
        var s = text?.Trim();
        foreach (var k in Enum.GetValues<CareFundKind>())
        {
            if (string.Equals(Key(k), s, StringComparison.OrdinalIgnoreCase) || string.Equals(k.ToString(), s, StringComparison.OrdinalIgnoreCase) || Kind(k) == s)
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }
}

/// <summary>
/// Money in yuan (decimal), the one documented place where amounts are checked and shown. Amounts are entered to the
/// fen (two decimals) and never rounded silently: an amount with a third decimal is refused, so a balance is always
/// the exact sum of what was entered. Sums and balances are computed in C# (SQLite has no decimal arithmetic).
/// </summary>
public static class Money
{
    public const decimal Max = 99_999_999.99m;

    /// <summary>Whether <paramref name="amount"/> has at most two decimals (to the fen).</summary>
    public static bool IsFen(decimal amount) => decimal.Round(amount, 2) == amount;

    /// <summary>Parses a clerk's text (“1,234.5”, “1234.50”, “¥300”); null when it is not a number.</summary>
    public static decimal? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var s = text.Trim().TrimStart('¥', '￥').Replace(",", "", StringComparison.Ordinal).Replace("，", "", StringComparison.Ordinal).Trim();
        if (s.EndsWith('元')) s = s[..^1].Trim();
        return decimal.TryParse(s, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    /// <summary>¥1,234.50.</summary>
    public static string Show(decimal amount) => (amount < 0 ? "-¥" : "¥") + Math.Abs(amount).ToString("#,##0.00", CultureInfo.InvariantCulture);

    /// <summary>1234.50 (for inputs and exports).</summary>
    public static string Plain(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>
/// A team's care fund (关心关怀, S-MNG-8): the settling allowance or the practical-matters fund of one village for the
/// round whose postings staff it, with its budget and what has been spent. <see cref="Spent"/> is kept with every entry
/// in the same transaction and <see cref="Version"/> guards it: two entries at once cannot both spend the last yuan.
/// </summary>
public sealed class CareFund : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid VillageId { get; init; }
    public Village? Village { get; init; }
    public required string RegionPath { get; init; }
    /// <summary>The selection round of the village's active postings (null when they came from no round).</summary>
    public Guid? RoundId { get; init; }
    public CareFundKind Kind { get; init; }
    public decimal Budget { get; set; }
    public decimal Spent { get; set; }
    /// <summary>How many entries the ledger has; the next entry is number <c>Entries + 1</c>.</summary>
    public int Entries { get; set; }
    public string? Note { get; set; }
    public DateTime CreatedAtUtc { get; init; }
    public string CreatedBy { get; init; } = "";
    public Guid Version { get; set; } = Guid.NewGuid();

    public decimal Balance => Budget - Spent;
}

/// <summary>One spending of a care fund: date, amount (yuan, to the fen), purpose and receipt number. Entries are never
/// changed; the balance after each is kept for the ledger.</summary>
public sealed class CareEntry : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid FundId { get; init; }
    /// <summary>The entry's number in its fund's ledger (1, 2, …): the ledger's order, in which each balance follows the last.</summary>
    public int Number { get; init; }
    public required string RegionPath { get; init; }
    public DateOnly Date { get; init; }
    public decimal Amount { get; init; }
    public required string Purpose { get; init; }
    public required string ReceiptNo { get; init; }
    /// <summary>Why the fund was overspent by this entry; required when the balance goes below zero.</summary>
    public string? OverspendReason { get; init; }
    public decimal BalanceAfter { get; init; }
    public DateTime RecordedAtUtc { get; init; }
    public string RecordedBy { get; init; } = "";
}

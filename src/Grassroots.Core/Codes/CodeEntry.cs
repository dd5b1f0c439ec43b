using Grassroots.Common;

namespace Grassroots.Codes;

/// <summary>
/// One entry of a code table (字典): the national tables shipped with the product and any table a customer
/// imports (such as the ZB sets organisation departments use). Generic by design: (table, code, name,
/// parent, valid from/to).
/// </summary>
public sealed class CodeEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Table { get; init; }
    public required string Code { get; init; }
    public required string Name { get; set; }
    public string? ShortName { get; set; }
    public string? ParentCode { get; set; }
    /// <summary>False for headings (GB/T 4658 categories) that are shown but cannot be chosen.</summary>
    public bool IsSelectable { get; set; } = true;
    public DateOnly? ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
    public bool IsBuiltIn { get; set; }
    public int SortOrder { get; set; }
}

/// <summary>The code tables the product ships, and their embedded sources.</summary>
public static class CodeTables
{
    public const string Gender = "GB/T 2261.1";
    public const string Marital = "GB/T 2261.2";
    public const string Ethnic = "GB 3304";
    public const string Political = "GB/T 4762";
    public const string Education = "GB/T 4658";
    public const string Degree = "GB/T 6864";

    public static readonly IReadOnlyList<(string Table, string Title, string File)> BuiltIn =
    [
        (Gender, "性别", "gbt2261.1-sex.csv"),
        (Marital, "婚姻状况", "gbt2261.2-marital.csv"),
        (Ethnic, "民族", "gb3304-ethnic.csv"),
        (Political, "政治面貌", "gbt4762-political-status.csv"),
        (Education, "学历", "gbt4658-education.csv"),
        (Degree, "学位", "gbt6864-degree.csv"),
    ];

    /// <summary>Political status codes that count as party membership (中共党员, 中共预备党员).</summary>
    public static readonly IReadOnlySet<string> PartyMember = new HashSet<string>(StringComparer.Ordinal) { "01", "02" };

    static string? ParentOf(string table, string code) => table switch
    {
        Education when code.Length == 2 && code[1] != '0' => code[..1] + "0",
        Degree when code.Length == 3 => code[..1],
        _ => null,
    };

    public static IEnumerable<CodeEntry> LoadBuiltIn()
    {
        foreach (var (table, _, file) in BuiltIn)
        {
            var order = 0;
            foreach (var row in ReferenceData.ReadCsv(file))
            {
                yield return new CodeEntry
                {
                    Table = table,
                    Code = row[0],
                    Name = row[1],
                    ShortName = table == Political && row.Length > 2 ? row[2] : null,
                    IsSelectable = !(table == Education && row.Length > 2 && row[2] == "1"),
                    ParentCode = ParentOf(table, row[0]),
                    IsBuiltIn = true,
                    SortOrder = order++,
                };
            }
        }
    }
}

namespace Grassroots.Common;

/// <summary>
/// Reads the CSV reference tables embedded in the assembly (UTF-8, header row, no quoting). Lines starting with
/// <c>#</c> are comments (source and licence notices of derived tables).
/// </summary>
public static class ReferenceData
{
    public static IReadOnlyList<string[]> ReadCsv(string fileName)
    {
        var asm = typeof(ReferenceData).Assembly;
        using var stream = asm.GetManifestResourceStream("Grassroots.ReferenceData." + fileName)
            ?? throw new InvalidOperationException($"Embedded reference table {fileName} is missing.");
        using var reader = new StreamReader(stream);
        var header = reader.ReadLine();
        while (header is not null && header.StartsWith('#')) header = reader.ReadLine();
        var rows = new List<string[]>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            rows.Add(line.Split(','));
        }
        return rows;
    }
}

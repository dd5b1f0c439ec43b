namespace Grassroots.Exchange;

/// <summary>
/// Limits on spreadsheet uploads (section <c>Grassroots:Import</c>). An .xlsx is a zip of XML parts, so besides the
/// file size the entry count, the total uncompressed size and the compression ratio are checked before any part is
/// parsed (zip bombs), and XML with a document type declaration is refused (XXE).
/// </summary>
public sealed class ImportOptions
{
    public const string Section = "Grassroots:Import";

    /// <summary>Largest upload accepted, in bytes (default 10 MB).</summary>
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most zip entries an .xlsx may hold (default 1,000).</summary>
    public int MaxZipEntries { get; set; } = 1000;

    /// <summary>Largest total uncompressed size of all entries, in bytes (default 200 MB).</summary>
    public long MaxUncompressedBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Highest uncompressed/compressed ratio of an entry larger than 1 MB (default 200; zip bombs reach thousands).</summary>
    public int MaxCompressionRatio { get; set; } = 200;

    /// <summary>Most data rows one import may carry (default 50,000).</summary>
    public int MaxRows { get; set; } = 50_000;
}

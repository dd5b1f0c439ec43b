using System.IO.Compression;
using System.Xml;
using Grassroots.Common;

namespace Grassroots.Exchange;

/// <summary>
/// Checks an uploaded spreadsheet before any of it is parsed (SECURITY.md, Input and output). Every refusal is a
/// <see cref="ValidationException"/> on the field <c>file</c> with a Chinese message that says what is wrong.
/// </summary>
/// <remarks>
/// In order: the size limit (read at most one byte past it); the content must be a zip (magic bytes
/// <c>PK\x03\x04</c>, whatever the file name says; an old .xls is named as such); the entry count; each entry's
/// declared size, the sum of the declared sizes and the compression ratio; then every entry is inflated with a hard
/// cap at its declared size (an entry that inflates further is a forged header), and every XML part is read with
/// DTD processing prohibited, so a part with a DOCTYPE (the vehicle of XXE and entity expansion) is refused before
/// the OpenXML reader sees it. Finally the package must have a workbook part.
/// </remarks>
public static class XlsxUpload
{
    const string Field = "file";

    /// <summary>Copies the upload into memory, enforcing the size limit, and checks it.</summary>
    public static async Task<MemoryStream> ReadAndCheckAsync(Stream upload, ImportOptions options, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await upload.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > options.MaxUploadBytes)
                throw new ValidationException(Field, $"文件超过 {FormatBytes(options.MaxUploadBytes)} 的大小上限，请分批导入。");
            buffer.Write(chunk, 0, n);
        }
        Check(buffer, options);
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>Checks a seekable stream that holds the whole upload; leaves its position at 0.</summary>
    public static void Check(Stream content, ImportOptions options)
    {
        if (content.Length == 0) throw new ValidationException(Field, "上传的文件是空的。");
        if (content.Length > options.MaxUploadBytes)
            throw new ValidationException(Field, $"文件超过 {FormatBytes(options.MaxUploadBytes)} 的大小上限，请分批导入。");
        content.Position = 0;
        Span<byte> magic = stackalloc byte[8];
        var read = content.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        content.Position = 0;
        if (read >= 8 && magic.SequenceEqual(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }))
            throw new ValidationException(Field, "这是旧版 Excel 97-2003（.xls）文件，请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再上传。");
        if (read < 4 || !magic[..4].SequenceEqual("PK\u0003\u0004"u8))
            throw new ValidationException(Field, "文件不是 Excel 工作簿（.xlsx）：内容不是 .xlsx 的压缩包格式。请上传用 Excel 或 WPS 保存的 .xlsx 文件。");

        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > options.MaxZipEntries)
                throw new ValidationException(Field, $"文件内部包含 {zip.Entries.Count} 个部件，超过上限 {options.MaxZipEntries}，不像是正常的 Excel 工作簿，已拒绝。");
            long declared = 0;
            foreach (var e in zip.Entries)
            {
                declared += e.Length;
                if (e.Length < 0 || declared > options.MaxUncompressedBytes)
                    throw new ValidationException(Field, $"文件解压后超过 {FormatBytes(options.MaxUncompressedBytes)}，可能是压缩炸弹，已拒绝。");
                if (e.Length > 1024 * 1024 && e.Length > (long)options.MaxCompressionRatio * Math.Max(1, e.CompressedLength))
                    throw new ValidationException(Field, $"文件中的部件“{e.FullName}”压缩比异常（超过 {options.MaxCompressionRatio} 倍），可能是压缩炸弹，已拒绝。");
            }
            var hasWorkbook = false;
            foreach (var e in zip.Entries)
            {
                if (e.FullName.EndsWith('/')) continue;
                hasWorkbook |= e.FullName.Equals("xl/workbook.xml", StringComparison.OrdinalIgnoreCase);
                CheckEntry(e);
            }
            if (!hasWorkbook || zip.GetEntry("[Content_Types].xml") is null)
                throw new ValidationException(Field, "文件是压缩包，但不是 Excel 工作簿（.xlsx）：缺少工作簿部件。");
        }
        catch (InvalidDataException)
        {
            throw new ValidationException(Field, "文件已损坏，无法作为 Excel 工作簿（.xlsx）读取。请在 Excel 中打开并重新保存后再上传。");
        }
        finally
        {
            content.Position = 0;
        }
    }

    static void CheckEntry(ZipArchiveEntry entry)
    {
        using var raw = entry.Open();
        using var capped = new CappedStream(raw, entry.Length, entry.Crc32, entry.FullName);
        var name = entry.FullName;
        if (name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".rels", StringComparison.OrdinalIgnoreCase))
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, CloseInput = false, IgnoreWhitespace = true };
            try
            {
                using var xml = XmlReader.Create(capped, settings);
                // A DOCTYPE can only stand before the root element: reading up to it is enough.
                while (xml.Read() && xml.NodeType != XmlNodeType.Element)
                {
                }
            }
            catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
            {
                throw new ValidationException(Field, $"文件中的部件“{name}”含有文档类型定义（DTD），出于安全原因拒绝处理。正常的 Excel 工作簿不含 DTD，请在 Excel 中另存为 .xlsx 后再上传。");
            }
            catch (XmlException)
            {
                throw new ValidationException(Field, $"文件中的部件“{name}”不是有效的 XML，文件可能已损坏。请在 Excel 中打开并重新保存后再上传。");
            }
        }
        capped.Drain();
    }

    static string FormatBytes(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / 1024.0 / 1024.0:0.#} MB" : $"{bytes / 1024.0:0.#} KB";

    /// <summary>
    /// Reads an entry, failing when it inflates past its declared size; <see cref="Drain"/> then checks that the
    /// inflated size and CRC-32 match the headers (the zip reader stops at the declared size without telling, so a
    /// forged header would otherwise pass as a truncated part).
    /// </summary>
    sealed class CappedStream(Stream inner, long declared, uint declaredCrc, string name) : Stream
    {
        static readonly uint[] CrcTable = BuildCrcTable();
        long total;
        uint crc = 0xFFFFFFFF;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            total += n;
            if (total > declared)
                throw new ValidationException(Field, $"文件中的部件“{name}”解压后比声明的大小更大，文件已被篡改或是压缩炸弹，已拒绝。");
            for (var i = offset; i < offset + n; i++) crc = CrcTable[(crc ^ buffer[i]) & 0xFF] ^ (crc >> 8);
            return n;
        }

        public void Drain()
        {
            var buffer = new byte[81920];
            while (Read(buffer, 0, buffer.Length) > 0)
            {
            }
            if (total != declared || ~crc != declaredCrc)
                throw new ValidationException(Field, $"文件中的部件“{name}”与其声明的大小或校验值不符，文件已被篡改或损坏，已拒绝。");
        }

        static uint[] BuildCrcTable()
        {
            var table = new uint[256];
            for (uint i = 0; i < 256; i++)
            {
                var c = i;
                for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                table[i] = c;
            }
            return table;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => declared;
        public override long Position { get => total; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

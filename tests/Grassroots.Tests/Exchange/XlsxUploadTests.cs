using System.Buffers.Binary;
using System.IO.Compression;
using Grassroots.Common;
using Grassroots.Exchange;

namespace Grassroots.Tests.Exchange;

public sealed class XlsxUploadTests
{
    static readonly ImportOptions Defaults = new();

    static string Refusal(byte[] content, ImportOptions? options = null)
    {
        var ex = Assert.Throws<ValidationException>(() => XlsxUpload.Check(new MemoryStream(content), options ?? Defaults));
        return Assert.Single(ex.Errors["file"]);
    }

    [Fact]
    public void RealWorkbook_IsAccepted()
    {
        var stream = new MemoryStream(TestWorkbooks.Simple(["姓名"], ["扎西"]));
        XlsxUpload.Check(stream, Defaults);
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public void TextFileNamedXlsx_IsRefusedByContent() =>
        Assert.Contains("不是 Excel 工作簿", Refusal("姓名,身份证号码\n扎西,542521198803140013\n"u8.ToArray()));

    [Fact]
    public void OldXlsFile_IsRefusedWithSaveAsAdvice() =>
        Assert.Contains("另存为", Refusal([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0]));

    [Fact]
    public void ZipWithoutWorkbook_IsRefused() =>
        Assert.Contains("缺少工作簿部件", Refusal(TestWorkbooks.Zip([("readme.txt", 10)])));

    [Fact]
    public async Task UploadOverSizeLimit_IsRefusedWhileReading()
    {
        var options = new ImportOptions { MaxUploadBytes = 1000 };
        var ex = await Assert.ThrowsAsync<ValidationException>(() => XlsxUpload.ReadAndCheckAsync(new MemoryStream(new byte[5000]), options, TestContext.Current.CancellationToken));
        Assert.Contains("大小上限", ex.Errors["file"][0]);
    }

    [Fact]
    public void ZipWithTooManyEntries_IsRefused()
    {
        var zip = TestWorkbooks.Zip(Enumerable.Range(0, 20).Select(i => ($"x{i}.txt", 1L)));
        Assert.Contains("超过上限 10", Refusal(zip, new ImportOptions { MaxZipEntries = 10 }));
    }

    [Fact]
    public void ZipBomb_OverUncompressedLimit_IsRefusedBeforeInflating()
    {
        // 64 MB of zeros packs into about 64 KB; the limit here is 16 MB.
        var zip = TestWorkbooks.Zip([("xl/worksheets/sheet1.xml", 64L * 1024 * 1024)]);
        Assert.True(zip.Length < 1024 * 1024);
        Assert.Contains("压缩炸弹", Refusal(zip, new ImportOptions { MaxUncompressedBytes = 16L * 1024 * 1024, MaxCompressionRatio = 100_000 }));
    }

    [Fact]
    public void ZipBomb_ExtremeCompressionRatio_IsRefused()
    {
        var zip = TestWorkbooks.Zip([("xl/worksheets/sheet1.xml", 8L * 1024 * 1024)]);
        Assert.Contains("压缩比异常", Refusal(zip));
    }

    [Fact]
    public void ZipBomb_EntryThatLiesAboutItsSize_IsRefused()
    {
        // A real workbook plus a 4 MB entry whose headers claim 1,000 bytes.
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var s = zip.CreateEntry("xl/media/image1.bin", CompressionLevel.SmallestSize).Open()) s.Write(new byte[4 * 1024 * 1024]);
            using var real = new ZipArchive(new MemoryStream(TestWorkbooks.Simple(["姓名"])));
            foreach (var e in real.Entries)
            {
                using var from = e.Open();
                using var to = zip.CreateEntry(e.FullName).Open();
                from.CopyTo(to);
            }
        }
        var bytes = ms.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(22), 1000);
        var central = bytes.AsSpan().IndexOf(new byte[] { 0x50, 0x4B, 0x01, 0x02 });
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(central + 24), 1000);
        Assert.Contains("与其声明的大小或校验值不符", Refusal(bytes, new ImportOptions { MaxCompressionRatio = 100_000 }));
    }

    [Fact]
    public void EntryWithAWrongChecksum_IsRefused()
    {
        var bytes = TestWorkbooks.Simple(["姓名"]);
        var central = bytes.AsSpan().IndexOf(new byte[] { 0x50, 0x4B, 0x01, 0x02 });
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(central + 16), 0xDEADBEEF);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(14), 0xDEADBEEF);
        Assert.Contains("校验值不符", Refusal(bytes));
    }

    [Fact]
    public void SheetWithDoctype_IsRefusedAndTheEntityNeverResolved()
    {
        var secret = Path.Combine(Path.GetTempPath(), "grassroots-xxe-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(secret, "SECRET-CONTENT");
        try
        {
            var workbook = TestWorkbooks.Simple(["姓名"], ["扎西"]);
            var evil = TestWorkbooks.ReplaceEntry(workbook, "xl/worksheets/sheet1.xml", xml =>
            {
                var start = xml.IndexOf("<x:worksheet", StringComparison.Ordinal) is var i && i >= 0 ? i : xml.IndexOf("<worksheet", StringComparison.Ordinal);
                return xml[..start] + $"<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"file://{secret}\">]>" + xml[start..].Replace("扎西", "&xxe;", StringComparison.Ordinal);
            });
            var message = Refusal(evil);
            Assert.Contains("文档类型定义（DTD）", message);
            Assert.DoesNotContain("SECRET", message);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void DoctypeInRelationshipsPart_IsRefused()
    {
        var workbook = TestWorkbooks.Simple(["姓名"]);
        var evil = TestWorkbooks.ReplaceEntry(workbook, "_rels/.rels", xml =>
            xml.Replace("<Relationships", "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><Relationships", StringComparison.Ordinal));
        Assert.Contains("DTD", Refusal(evil));
    }

    [Fact]
    public void CorruptZip_IsRefusedAsDamaged()
    {
        var workbook = TestWorkbooks.Simple(["姓名"]);
        var damaged = workbook[..(workbook.Length / 2)];
        Assert.Contains("损坏", Refusal(damaged));
    }
}

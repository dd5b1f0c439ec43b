using System.Globalization;
using System.Text.RegularExpressions;
using Grassroots.Audit;
using Grassroots.Codes;
using Grassroots.Common;
using Grassroots.Data;
using Grassroots.People;
using Grassroots.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Grassroots.Exchange;

/// <summary>One refused cell or row: the row number as Excel shows it, the column header (null for the whole row), the reason.</summary>
public sealed record ImportRowError(int Row, string? Column, string Message)
{
    public override string ToString() => Column is null ? $"第 {Row} 行：{Message}" : $"第 {Row} 行 {Column}：{Message}";
}

/// <summary>The outcome of an import: how many people were imported, or the errors (and then nothing was imported).</summary>
public sealed class PeopleImportResult
{
    readonly byte[]? upload;
    readonly DataSheet? sheet;

    internal PeopleImportResult(int rows, int imported, IReadOnlyList<ImportRowError> errors, byte[]? upload, DataSheet? sheet)
    {
        Rows = rows;
        Imported = imported;
        Errors = errors;
        this.upload = upload;
        this.sheet = sheet;
    }

    /// <summary>Data rows read from the file.</summary>
    public int Rows { get; }

    /// <summary>People added; 0 whenever <see cref="Errors"/> is not empty.</summary>
    public int Imported { get; }

    public IReadOnlyList<ImportRowError> Errors { get; }

    public bool Succeeded => Errors.Count == 0;

    /// <summary>Writes the uploaded workbook back with a “错误原因” column and the bad cells highlighted.</summary>
    public void WriteErrorWorkbook(Stream output)
    {
        if (upload is null || sheet is null) throw new InvalidOperationException("The import succeeded: there is no error workbook.");
        ErrorWorkbook.Write(upload, sheet, Errors, output);
    }

    /// <summary>The file name of the error workbook: the upload's name with <c>.errors.xlsx</c>.</summary>
    public static string ErrorFileName(string? uploadName) =>
        (string.IsNullOrWhiteSpace(uploadName) ? "人员导入" : Path.GetFileNameWithoutExtension(uploadName)) + ".errors.xlsx";
}

/// <summary>
/// Imports people from an .xlsx (S-RPT-2): all or nothing, with a per-row error report.
/// </summary>
/// <remarks>
/// <para>The upload is checked first (<see cref="XlsxUpload"/>: size, zip structure, zip bombs, DTDs). The data sheet
/// and its columns are found by header name (<see cref="WorkbookReader"/>). Each row becomes a <see cref="PersonInput"/>:
/// code columns take a name or a code (“藏族” or “04”), the unit is found by its name among the units in the account's
/// scope (unique), the community by name or code; dates may be date cells or text (yyyy-mm-dd, yyyy/m/d, yyyy.mm.dd,
/// yyyymmdd, 1988年3月14日; yyyy-mm for the first of the month); a blank birth date is taken from the ID number.</para>
/// <para>Every row is then checked by <see cref="PersonValidator.Validate"/> against lookups loaded once, ID numbers are
/// checked against each other and against the whole registry (every scope) in one query. Only when no row has an error
/// are all people inserted, in one transaction (saved in batches to keep memory flat), together with their opening
/// history, the per-person audit rows (on PostgreSQL written with binary COPY, <see cref="PostgresBulkCopy"/>) and one <see cref="AuditEvents.Import"/> row; a refused import writes a failure
/// audit row and nothing else.</para>
/// </remarks>
public sealed partial class PeopleImporter(
    GrassrootsDb db, CurrentUser user, TimeProvider clock, PersonValidator validator, PeopleService people, AuditInterceptor audit, IOptions<ImportOptions> options)
{
    const int BatchSize = 500;
    const int CopyBatchSize = 2000;

    [GeneratedRegex(@"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")]
    private static partial Regex FullDate();

    [GeneratedRegex(@"^(\d{4})(\d{2})(\d{2})$")]
    private static partial Regex CompactDate();

    [GeneratedRegex(@"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")]
    private static partial Regex MonthOnly();

    public Task<PeopleImportResult> ImportAsync(Stream upload, CancellationToken ct) => ImportAsync(upload, null, ct);

    /// <summary>Throws <see cref="ForbiddenException"/> when the account's role may not import people (the import page asks before showing its form).</summary>
    public void EnsureAllowed()
    {
        if (!user.Roles.Overlaps(Roles.RegistryStaff) && user.ScopePath != "/")
            throw new ForbiddenException("您的角色不能导入人员信息。");
    }

    /// <summary>Imports the workbook; throws <see cref="ValidationException"/> (field <c>file</c>) when the file itself is refused.</summary>
    public async Task<PeopleImportResult> ImportAsync(Stream upload, IProgress<ExchangeProgress>? progress, CancellationToken ct)
    {
        EnsureAllowed();
        var opts = options.Value;
        using var buffer = await XlsxUpload.ReadAndCheckAsync(upload, opts, ct);
        progress?.Report(new("读取", 0, 1));
        var sheet = WorkbookReader.Read(buffer, opts);
        var total = sheet.Rows.Count;
        progress?.Report(new("读取", 1, 1));

        var codes = await CodeBook.LoadAsync(db, ct);
        var lookups = await validator.LoadLookupsAsync(codes, ct);
        var units = lookups.Units.Values.GroupBy(u => u.Name.Trim(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var communities = lookups.Communities.Values.GroupBy(c => c.Name.Trim(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var communitiesByCode = lookups.Communities.Values.ToDictionary(c => c.Code.Value, StringComparer.Ordinal);
        var today = ChinaTime.Today(clock);

        var errors = new List<ImportRowError>();
        var valid = new List<(SheetRow Row, ValidPerson Person)>();
        var done = 0;
        foreach (var row in sheet.Rows)
        {
            var rowErrors = new List<(string Field, string Message)>();
            var input = ToInput(row, rowErrors, units, communities, communitiesByCode, today);
            var person = validator.Validate(input, null, lookups);
            var ownFields = rowErrors.Select(e => e.Field).ToHashSet(StringComparer.Ordinal);
            foreach (var (field, messages) in person.Errors.ToDictionary())
            {
                if (ownFields.Contains(field)) continue; // the cell could not be read: that message says it better
                if (field == "birthDate" && Blank(row, "birthDate") && person.IdNumber is null) continue; // the ID error covers it
                rowErrors.AddRange(messages.Select(m => (field, m)));
            }
            if (rowErrors.Count > 0) errors.AddRange(rowErrors.Select(e => Error(row, e.Field, e.Message)));
            else valid.Add((row, person));
            if (progress is not null && ++done % 500 == 0) progress.Report(new("校验", done, total));
        }

        // ID numbers: unique within the file, and not yet registered anywhere (not only in this scope).
        var firstRowOf = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var (row, person) in valid.ToList())
        {
            var id = person.IdNumber!.Value.Value;
            if (firstRowOf.TryGetValue(id, out var first))
            {
                errors.Add(Error(row, "idNumber", $"与第 {first} 行的身份证号码重复。"));
                valid.Remove((row, person));
            }
            else firstRowOf[id] = row.Number;
        }
        if (valid.Count > 0)
        {
            var ids = valid.Select(v => v.Person.IdNumber!.Value).ToList();
            var taken = (await db.People.IgnoreQueryFilters().Where(p => EF.Parameter(ids).Contains(p.IdNumber)).Select(p => p.IdNumber).ToListAsync(ct))
                .Select(i => i.Value).ToHashSet(StringComparer.Ordinal);
            foreach (var (row, person) in valid.Where(v => taken.Contains(v.Person.IdNumber!.Value.Value)))
                errors.Add(Error(row, "idNumber", "该身份证号码已登记，不能重复录入。"));
        }
        progress?.Report(new("校验", total, total));

        if (errors.Count > 0)
        {
            var sorted = errors.OrderBy(e => e.Row).ThenBy(e => OrderOf(e.Column)).ToList();
            var badRows = sorted.Select(e => e.Row).Distinct().Count();
            await AuditAsync(AuditResults.Failure, $"工作表“{sheet.SheetName}”共 {total} 行，{badRows} 行有错误，未导入任何人员", ct);
            return new PeopleImportResult(total, 0, sorted, buffer.ToArray(), sheet);
        }

        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                var saved = 0;
                var copy = db.Database.IsNpgsql();
                foreach (var batch in valid.Chunk(copy ? CopyBatchSize : BatchSize))
                {
                    foreach (var (_, v) in batch)
                    {
                        var person = v.ToNewPerson();
                        people.RecordOpeningHistory(person, v.Unit?.Name);
                        db.People.Add(person);
                    }
                    if (copy)
                    {
                        // PostgreSQL: binary COPY in this transaction, with the same audit rows SaveChanges would write.
                        await PostgresBulkCopy.SaveAddedAsync(db, audit, ct);
                    }
                    else
                    {
                        await db.SaveChangesAsync(ct);
                        db.ChangeTracker.Clear();
                    }
                    saved += batch.Length;
                    progress?.Report(new("写入", saved, valid.Count));
                }
                await AuditAsync(AuditResults.Success, $"从工作表“{sheet.SheetName}”导入 {valid.Count} 人", ct);
                await tx.CommitAsync(ct);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                await tx.RollbackAsync(CancellationToken.None);
                throw new DomainRuleException("保存时数据库拒绝了其中的数据（可能有人同时录入了相同身份证号码的人员），没有导入任何人员，请重新导入。");
            }
        }
        return new PeopleImportResult(total, valid.Count, [], null, null);
    }

    async Task AuditAsync(string result, string detail, CancellationToken ct)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            AtUtc = clock.GetUtcNow().UtcDateTime,
            UserId = user.Id,
            UserName = user.UserName,
            ClientAddress = user.ClientAddress,
            Event = AuditEvents.Import,
            ObjectType = nameof(Person),
            Result = result,
            Detail = detail,
        });
        await db.SaveChangesAsync(ct);
    }

    static int OrderOf(string? header) => header is null ? -1 : ImportColumns.All.ToList().FindIndex(c => c.Header == header);

    static ImportRowError Error(SheetRow row, string field, string message) =>
        new((int)row.Number, ImportColumns.All.FirstOrDefault(c => c.Field == field)?.Header, message);

    static bool Blank(SheetRow row, string field) => !row.Cells.TryGetValue(field, out var c) || c.IsBlank;

    PersonInput ToInput(SheetRow row, List<(string Field, string Message)> errors,
        Dictionary<string, List<Unit>> units, Dictionary<string, List<Regions.Community>> communities,
        Dictionary<string, Regions.Community> communitiesByCode, DateOnly today)
    {
        string? Text(string field)
        {
            if (!row.Cells.TryGetValue(field, out var c) || c.IsBlank) return null;
            return SpreadsheetText.Restore(c.Text.Trim());
        }

        string? Code(string field, int width)
        {
            var text = Text(field);
            return text is not null && row.Cells[field].IsNumber && text.All(char.IsAsciiDigit) && text.Length < width ? text.PadLeft(width, '0') : text;
        }

        string? Digits(string field)
        {
            if (!row.Cells.TryGetValue(field, out var c) || c.IsBlank) return null;
            if (!c.IsNumber) return SpreadsheetText.Restore(c.Text.Trim());
            var header = ImportColumns.ByField(field).Header;
            if (!double.TryParse(c.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v != Math.Floor(v) || v < 0)
            {
                errors.Add((field, $"{header}“{c.Text}”应为数字号码。"));
                return null;
            }
            if (v >= 1e15)
            {
                errors.Add((field, $"{header}被 Excel 存成了数字（显示为 {v.ToString("0.#####E+0", CultureInfo.InvariantCulture)} 之类），末几位可能已经丢失。请把该列设为“文本”格式后重新填写号码。"));
                return null;
            }
            return v.ToString("0", CultureInfo.InvariantCulture);
        }

        var idText = Digits("idNumber");
        IdNumber.TryParse(idText, today, out var id, out _);

        DateOnly? Date(string field)
        {
            if (!row.Cells.TryGetValue(field, out var c) || c.IsBlank) return null;
            var header = ImportColumns.ByField(field).Header;
            if (!TryParseDate(c, out var date, out var monthOnly, out var problem))
            {
                errors.Add((field, problem ?? $"{header}“{c.Text.Trim()}”不是有效日期，应为 yyyy-mm-dd 格式（如 1988-03-14）。"));
                return null;
            }
            if (monthOnly && field == "birthDate")
            {
                if (id is { } known && known.BirthDate.Year == date.Year && known.BirthDate.Month == date.Month) return known.BirthDate;
                if (id is { } other)
                {
                    errors.Add((field, $"出生年月 {date:yyyy.MM} 与身份证号码中的出生日期 {other.BirthDate:yyyy-MM-dd} 不一致。"));
                    return null;
                }
            }
            return date;
        }

        var birth = Date("birthDate") ?? (Blank(row, "birthDate") ? id?.BirthDate : null);

        Guid? unitId = null;
        if (Text("unitId") is { } unitName)
        {
            if (!units.TryGetValue(unitName, out var found)) errors.Add(("unitId", $"工作单位“{unitName}”不存在或不在您的管辖范围内。"));
            else if (found.Count > 1) errors.Add(("unitId", $"您的管辖范围内有 {found.Count} 个名为“{unitName}”的单位，无法区分，请联系管理员为单位加以区分。"));
            else unitId = found[0].Id;
        }
        Guid? communityId = null;
        if (Digits("communityId") is { } communityText)
        {
            if (communitiesByCode.TryGetValue(communityText, out var byCode)) communityId = byCode.Id;
            else if (!communities.TryGetValue(communityText, out var found)) errors.Add(("communityId", $"社区“{communityText}”不存在或不在您的管辖范围内。"));
            else if (found.Count > 1) errors.Add(("communityId", $"您的管辖范围内有 {found.Count} 个名为“{communityText}”的社区，请改填社区的 12 位区划代码。"));
            else communityId = found[0].Id;
        }

        return new PersonInput
        {
            Kind = Text("kind"),
            Name = Text("name"),
            GenderCode = Code("genderCode", 1),
            EthnicCode = Code("ethnicCode", 2),
            BirthDate = birth,
            IdNumber = idText,
            PoliticalStatusCode = Code("politicalStatusCode", 2),
            PartyJoinDate = Date("partyJoinDate"),
            WorkStartDate = Date("workStartDate"),
            EducationCode = Code("educationCode", 2),
            DegreeCode = Code("degreeCode", 1),
            StaffStatus = Text("staffStatus"),
            UnitId = unitId,
            CommunityId = communityId,
            Post = Text("post"),
            Rank = Text("rank"),
            Line = Text("line"),
            Health = Text("health"),
            HomeCountyCode = Digits("homeCountyCode"),
            Languages = Text("languages"),
            Phone = Digits("phone"),
        };
    }

    /// <summary>Reads a date cell or a date written as text; <paramref name="monthOnly"/> when only year and month were given.</summary>
    internal static bool TryParseDate(RawCell cell, out DateOnly date, out bool monthOnly, out string? problem)
    {
        date = default;
        monthOnly = false;
        problem = null;
        var text = Normalise(cell.Text);
        if (cell.IsNumber && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial))
        {
            if (serial is > 1900 and < 2101)
            {
                // 1988.03 typed into a General cell arrives as a number: read it as year.month.
                var s = serial.ToString("0.##", CultureInfo.InvariantCulture);
                var dot = s.IndexOf('.', StringComparison.Ordinal);
                if (dot < 0) { problem = $"“{s}”只有年份，请填写完整日期（如 {s}-01-01）。"; return false; }
                var m = s[(dot + 1)..];
                if (m == "1") { problem = $"“{s}”被 Excel 存成了数字，无法区分 1 月还是 10 月，请填写为 yyyy-mm-dd 格式（如 {s[..dot]}-10-01）。"; return false; }
                return Make(int.Parse(s[..dot], CultureInfo.InvariantCulture), int.Parse(m, CultureInfo.InvariantCulture), 1, true, out date, out monthOnly);
            }
            if (serial is < 1 or > 73050) return false; // 73050 = 2099-12-31
            date = DateOnly.FromDateTime(DateTime.FromOADate(Math.Floor(serial)));
            return true;
        }
        if (cell.IsIsoDate && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var iso))
        {
            date = DateOnly.FromDateTime(iso);
            return true;
        }
        if (FullDate().Match(text) is { Success: true } f) return Make(Int(f, 1), Int(f, 2), Int(f, 3), false, out date, out monthOnly);
        if (CompactDate().Match(text) is { Success: true } c) return Make(Int(c, 1), Int(c, 2), Int(c, 3), false, out date, out monthOnly);
        if (MonthOnly().Match(text) is { Success: true } mo) return Make(Int(mo, 1), Int(mo, 2), 1, true, out date, out monthOnly);
        return false;

        static int Int(Match m, int g) => int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
    }

    static bool Make(int year, int month, int day, bool isMonthOnly, out DateOnly date, out bool monthOnly)
    {
        monthOnly = isMonthOnly;
        date = default;
        if (year is < 1900 or > 2100 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>Full-width digits and punctuation to half-width; trims.</summary>
    static string Normalise(string s)
    {
        var chars = s.Trim().Select(c => c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c).ToArray();
        return new string(chars);
    }
}

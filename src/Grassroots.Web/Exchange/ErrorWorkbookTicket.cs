using System.Security.Cryptography;
using System.Text;
using Grassroots.Exchange;
using Grassroots.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Grassroots.Web.Exchange;

/// <summary>
/// How the import page hands a clerk the annotated workbook (the upload with its “错误原因” column) without keeping
/// anything on the server.
/// </summary>
/// <remarks>
/// <para>A refused import is shown as a table on the page, and the clerk usually wants the annotated file next, to fix
/// the rows in Excel and upload it again. The page is rendered on the server and keeps no session, and the browser
/// cannot re-send the chosen file after the page has been replaced. Keeping the upload in a temporary file or table
/// would need clean-up and breaks with more than one server; embedding it as a <c>data:</c> link would put full ID
/// numbers in the page and in the browser's download history in plain text.</para>
/// <para>So the page that shows the errors carries the annotated workbook itself, encrypted and signed with ASP.NET
/// Data Protection (keys in the database, shared by every server), bound to the account that uploaded it and valid
/// for <see cref="Lifetime"/>, in a hidden field of a small form. “下载标注错误的工作簿” posts that form (anti-forgery
/// checked) to <c>POST /people/import/errors</c>, which decrypts it and answers with the file. Nothing is re-validated
/// and nothing is imported or audited a second time. A ticket that is expired, altered or another account's leads
/// back to the import page with a notice.</para>
/// </remarks>
internal static class ErrorWorkbookTicket
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    const string Purpose = "Grassroots.Exchange.ImportErrorWorkbook.v1";
    public const string Route = "/people/import/errors";

    /// <summary>The encrypted ticket the page puts in the hidden field <c>workbook</c>.</summary>
    public static string Protect(IDataProtectionProvider protection, TimeProvider clock, Guid userId, string fileName, byte[] workbook)
    {
        using var plain = new MemoryStream(workbook.Length + 256);
        using (var w = new BinaryWriter(plain, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(clock.GetUtcNow().UtcTicks);
            w.Write(fileName);
            w.Write(workbook.Length);
            w.Write(workbook);
        }
        return WebEncoders.Base64UrlEncode(Protector(protection, userId).Protect(plain.ToArray()));
    }

    /// <summary>The workbook and its file name, when the ticket is this account's, intact and not expired.</summary>
    public static bool TryOpen(IDataProtectionProvider protection, TimeProvider clock, Guid userId, string? ticket, out string fileName, out byte[] workbook)
    {
        fileName = "";
        workbook = [];
        if (string.IsNullOrEmpty(ticket)) return false;
        byte[] plain;
        try
        {
            plain = Protector(protection, userId).Unprotect(WebEncoders.Base64UrlDecode(ticket));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return false;
        }
        using var r = new BinaryReader(new MemoryStream(plain), Encoding.UTF8);
        var issued = new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero);
        var now = clock.GetUtcNow();
        if (now - issued > Lifetime || issued - now > TimeSpan.FromMinutes(5)) return false;
        fileName = r.ReadString();
        workbook = r.ReadBytes(r.ReadInt32());
        return true;
    }

    static IDataProtector Protector(IDataProtectionProvider protection, Guid userId) =>
        protection.CreateProtector(Purpose, userId.ToString("N"));

    /// <summary>
    /// <c>POST /people/import/errors</c> (form field <c>workbook</c>, anti-forgery checked because it binds a form):
    /// the annotated workbook as a download, or back to the import page with <c>?expired=1</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapImportErrorWorkbook(this IEndpointRouteBuilder app)
    {
        var maxUpload = app.ServiceProvider.GetRequiredService<IOptions<ImportOptions>>().Value.MaxUploadBytes;
        // The ticket is the workbook in base64 plus a little: allow twice the upload limit, the form's default is 4 MB.
        var limit = (int)Math.Min(int.MaxValue, maxUpload * 2 + 1024 * 1024);
        app.MapPost(Route, ([FromForm] string? workbook, CurrentUser user, IDataProtectionProvider protection, TimeProvider clock) =>
            {
                if (user.Id is not { } id || !TryOpen(protection, clock, id, workbook, out var fileName, out var bytes))
                    return Results.LocalRedirect("/people/import?expired=1");
                return Results.File(bytes, RosterExporter.ContentType, fileName);
            })
            .RequireAuthorization()
            .WithFormOptions(valueLengthLimit: limit, bufferBodyLengthLimit: limit)
            .WithMetadata(new RequestSizeLimitAttribute(limit))
            .ExcludeFromDescription();
        return app;
    }
}

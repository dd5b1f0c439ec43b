using Grassroots.Common;
using Grassroots.Exchange;
using Grassroots.People;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Grassroots.Web.Exchange;

/// <summary>The result of a successful import.</summary>
public sealed record ImportResponse(int Imported);

/// <summary>One refused cell or row of an import, as returned in the <c>rows</c> extension of the 400 answer.</summary>
public sealed record ImportRowErrorDto(int Row, string? Column, string Message);

/// <summary>Excel exchange of people (S-RPT-2): roster export, import template, import.</summary>
internal static class ExchangeEndpoints
{
    public static RouteGroupBuilder MapExchangeEndpoints(this IEndpointRouteBuilder app)
    {
        var maxUpload = app.ServiceProvider.GetRequiredService<IOptions<ImportOptions>>().Value.MaxUploadBytes;
        var group = app.MapGroup("/api/people").WithTags("People exchange").RequireAuthorization();
        group.MapGet("/export", ExportAsync).WithName("ExportRoster")
            .WithSummary("花名册导出：与 GET /api/people 相同的筛选参数（q、region、kind、unitId、line、sort），返回 .xlsx；身份证号码和电话已脱敏，导出记入审计日志。");
        group.MapGet("/import-template", TemplateAsync).WithName("PeopleImportTemplate")
            .WithSummary("人员导入模板（.xlsx）：说明页、带下拉列表的数据页；单位和社区列表限于当前账号的管辖范围。");
        group.MapPost("/import", ImportAsync).WithName("ImportPeople")
            .DisableAntiforgery() // API callers authenticate with bearer tokens; the cookie is SameSite=Strict
            .WithMetadata(new RequestSizeLimitAttribute(maxUpload + 1024 * 1024))
            .WithSummary("人员导入：multipart/form-data，字段 file 为 .xlsx。全部行无误时一次性导入，返回 200 {\"imported\": n}；" +
                "任何一行有误时不导入任何人员，返回 400 ProblemDetails，errors 以“第N行”为键，rows 列出行号、列名和原因。" +
                "带 ?annotated=true 提交时，有误则返回 400 和原工作簿（.xlsx），其中新增“错误原因”列并标红出错单元格，供修改后重新上传。");
        app.MapImportErrorWorkbook(); // the import page's download of the annotated workbook
        return group;
    }

    static async Task<FileStreamHttpResult> ExportAsync(string? q, string? region, string? kind, Guid? unitId, string? line, string? sort,
        RosterExporter exporter, CancellationToken ct)
    {
        // The roster is written to a temporary file first: the audit row is committed before any byte is sent,
        // and memory stays flat for large rosters. The file deletes itself when the response is done.
        var path = Path.Combine(Path.GetTempPath(), "grassroots-roster-" + Guid.NewGuid().ToString("N") + ".xlsx");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var query = new PeopleQuery { Q = q, Region = region, Kind = kind, UnitId = unitId, Line = line, Sort = sort };
            var result = await exporter.ExportAsync(query, file, null, ct);
            file.Position = 0;
            return TypedResults.File(file, RosterExporter.ContentType, result.FileName);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    static async Task<FileContentHttpResult> TemplateAsync(ImportTemplateBuilder builder, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await builder.WriteAsync(buffer, ct);
        return TypedResults.File(buffer.ToArray(), RosterExporter.ContentType, ImportTemplateBuilder.FileName);
    }

    static async Task<Results<Ok<ImportResponse>, ValidationProblem, ErrorWorkbookResult>> ImportAsync(
        IFormFile? file, bool? annotated, PeopleImporter importer, CancellationToken ct)
    {
        if (file is null || file.Length == 0) throw new ValidationException("file", "请选择要导入的 .xlsx 文件（表单字段 file）。");
        await using var upload = file.OpenReadStream();
        var result = await importer.ImportAsync(upload, ct);
        if (result.Succeeded) return TypedResults.Ok(new ImportResponse(result.Imported));

        if (annotated == true)
        {
            using var buffer = new MemoryStream();
            result.WriteErrorWorkbook(buffer);
            return new ErrorWorkbookResult(buffer.ToArray(), PeopleImportResult.ErrorFileName(file.FileName));
        }
        var errors = result.Errors.GroupBy(e => $"第{e.Row}行")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Column is null ? e.Message : $"{e.Column}：{e.Message}").ToArray());
        var badRows = errors.Count;
        return TypedResults.ValidationProblem(errors,
            title: $"导入未完成：{badRows} 行有错误，没有导入任何人员。请修改后重新上传整个文件。",
            detail: "带 ?annotated=true 重新提交同一文件，可取回标注了“错误原因”的工作簿。",
            extensions: new Dictionary<string, object?> { ["rows"] = result.Errors.Select(e => new ImportRowErrorDto(e.Row, e.Column, e.Message)).ToList() });
    }

    /// <summary>The uploaded workbook with the error column, answered with status 400 (the import did not happen).</summary>
    internal sealed class ErrorWorkbookResult(byte[] content, string fileName) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            http.Response.ContentType = RosterExporter.ContentType;
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(fileName);
            http.Response.Headers.ContentDisposition = disposition.ToString();
            http.Response.ContentLength = content.Length;
            await http.Response.Body.WriteAsync(content, http.RequestAborted);
        }
    }
}

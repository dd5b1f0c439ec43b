using Grassroots.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Common;

/// <summary>
/// The one place exceptions become responses: validation → 400 with an <c>errors</c> map keyed by field,
/// not found → 404, forbidden → 403, rule or concurrency conflict → 409, rule refusal → 422; anything else → 500
/// with a Chinese message and no stack trace.
/// </summary>
internal sealed class ProblemDetailsHandler(IProblemDetailsService problems, ILogger<ProblemDetailsHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, title, errors) = exception switch
        {
            ValidationException v => (StatusCodes.Status400BadRequest, "提交的数据有误。", v.Errors),
            NotFoundException n => (StatusCodes.Status404NotFound, n.Message, null),
            ForbiddenException f => (StatusCodes.Status403Forbidden, f.Message, null),
            DomainRuleException d => (d.IsConflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, d.Message, null),
            DbUpdateConcurrencyException => (StatusCodes.Status409Conflict, "该记录已被他人修改，请刷新后重试。", null),
            BadHttpRequestException b => (b.StatusCode, "请求格式有误：" + b.Message, null),
            _ => (StatusCodes.Status500InternalServerError, "服务器内部错误，请稍后再试；如持续出现请联系系统管理员。", (IReadOnlyDictionary<string, string[]>?)null),
        };
        if (status == StatusCodes.Status500InternalServerError) log.LogError(exception, "Unhandled exception on {Path}", http.Request.Path);
        http.Response.StatusCode = status;
        var details = errors is null
            ? new ProblemDetails { Status = status, Title = title }
            : new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value)) { Status = status, Title = title };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }
}

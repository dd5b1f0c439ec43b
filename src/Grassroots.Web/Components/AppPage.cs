using Grassroots.Common;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace Grassroots.Web.Components;

/// <summary>
/// Base of the pages: runs a page's work and turns the services' exceptions into what a clerk should see,
/// with the matching HTTP status — out of scope or missing is the not-found page (404), a role that may not
/// do this is the forbidden notice (403), a bad filter or field is shown next to the form (400), and a lost
/// race or refused rule is a conflict message (409).
/// </summary>
public abstract class AppPage : ComponentBase
{
    /// <summary>The request; always present because the pages are rendered on the server only.</summary>
    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    [Inject]
    protected NavigationManager Nav { get; set; } = default!;

    /// <summary>Set when the user's role may not do what the page does; the page shows <see cref="Shared.Denied"/>.</summary>
    protected string? Forbidden { get; private set; }

    /// <summary>Field errors of the last attempt, keyed as the services key them (e.g. <c>idNumber</c>).</summary>
    protected IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>A conflict or rule refusal of the last attempt.</summary>
    protected string? Conflict { get; private set; }

    protected CancellationToken Aborted => HttpContext?.RequestAborted ?? CancellationToken.None;

    /// <summary>Runs <paramref name="work"/>; returns false when it failed in a way the page now shows.</summary>
    protected async Task<bool> RunAsync(Func<Task> work)
    {
        try
        {
            await work();
            return true;
        }
        catch (NotFoundException)
        {
            SetStatus(StatusCodes.Status404NotFound);
            Nav.NotFound();
        }
        catch (ForbiddenException e)
        {
            Forbidden = e.Message;
            SetStatus(StatusCodes.Status403Forbidden);
        }
        catch (ValidationException e)
        {
            Errors = e.Errors;
            SetStatus(StatusCodes.Status400BadRequest);
        }
        catch (DomainRuleException e)
        {
            Conflict = e.Message;
            SetStatus(e.IsConflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity);
        }
        catch (DbUpdateConcurrencyException)
        {
            Conflict = "该记录已被他人修改，请刷新后重试。";
            SetStatus(StatusCodes.Status409Conflict);
        }
        return false;
    }

    protected void ClearErrors()
    {
        Errors = new Dictionary<string, string[]>();
        Conflict = null;
    }

    protected void SetStatus(int status)
    {
        if (HttpContext is { Response.HasStarted: false } http) http.Response.StatusCode = status;
    }

    /// <summary>Every field message as one list, for the summary at the top of a form.</summary>
    protected IEnumerable<string> AllErrors => Errors.SelectMany(e => e.Value);

    protected static int? ParseInt(string? s) => int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
}

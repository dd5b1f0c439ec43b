using Grassroots.People;
using Grassroots.Regions;

namespace Grassroots.Manage;

/// <summary>请示 (asks for a decision) or 报告 (reports a matter), S-MNG-3.</summary>
public enum RequestKind
{
    /// <summary>请示: the cadre asks the office to decide or approve something.</summary>
    Request = 1,
    /// <summary>报告: the cadre reports a matter (an incident, progress, a plan).</summary>
    Report = 2,
}

/// <summary>Which office a request is addressed to (S-MNG-7: the township daily, the county office coordinating).</summary>
public enum RequestAddressee
{
    /// <summary>乡镇.</summary>
    Township = 1,
    /// <summary>县驻村办.</summary>
    County = 2,
}

public enum RequestStatus
{
    /// <summary>待答复.</summary>
    Open = 1,
    /// <summary>已答复.</summary>
    Answered = 2,
    /// <summary>已办结.</summary>
    Closed = 3,
}

/// <summary>What happened to a request, in its trail.</summary>
public enum RequestAction
{
    /// <summary>提交.</summary>
    Asked = 1,
    /// <summary>答复.</summary>
    Answered = 2,
    /// <summary>办结.</summary>
    Closed = 3,
}

public static class RequestNames
{
    public static string Kind(RequestKind k) => k switch
    {
        RequestKind.Request => "请示",
        RequestKind.Report => "报告",
        _ => k.ToString(),
    };

    public static string Addressee(RequestAddressee a) => a switch
    {
        RequestAddressee.Township => "乡镇",
        RequestAddressee.County => "县驻村办",
        _ => a.ToString(),
    };

    public static string Status(RequestStatus s) => s switch
    {
        RequestStatus.Open => "待答复",
        RequestStatus.Answered => "已答复",
        RequestStatus.Closed => "已办结",
        _ => s.ToString(),
    };

    public static string Action(RequestAction a) => a switch
    {
        RequestAction.Asked => "提交",
        RequestAction.Answered => "答复",
        RequestAction.Closed => "办结",
        _ => a.ToString(),
    };

    /// <summary>API keys: <c>request</c>/<c>report</c>, <c>township</c>/<c>county</c>, <c>open</c>/<c>answered</c>/<c>closed</c>.</summary>
    public static string Key<T>(T value) where T : struct, Enum => JsonKey(value.ToString());

    static string JsonKey(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>Parses an API key, an enum name or the Chinese name; false for anything else.</summary>
    public static bool TryParse<T>(string? text, Func<T, string> chinese, out T value) where T : struct, Enum
    {
        var s = text?.Trim();
        foreach (var v in Enum.GetValues<T>())
        {
            if (string.Equals(v.ToString(), s, StringComparison.OrdinalIgnoreCase) || chinese(v) == s)
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }
}

/// <summary>
/// A stationed cadre's request or report (请示报告, S-MNG-3): what it is, to whom, the subject and the text; the office's
/// answer and the closing. It belongs to the village's node, so the village's township, county and prefecture see it.
/// A workflow entity: <see cref="Version"/> is renewed on every change, so of two concurrent answers one wins and the
/// other is a conflict (409). Its <see cref="Events"/> are the trail the cadre and the office read.
/// </summary>
public sealed class CadreRequest : IRegionScoped
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PersonId { get; init; }
    public Person? Person { get; init; }
    public Guid PostingId { get; init; }
    public Guid VillageId { get; init; }
    public Village? Village { get; init; }
    /// <summary>The village's region path.</summary>
    public required string RegionPath { get; init; }
    public RequestKind Kind { get; init; }
    public RequestAddressee To { get; init; }
    public required string Subject { get; init; }
    public required string Text { get; init; }
    public RequestStatus Status { get; set; } = RequestStatus.Open;
    public DateTime AskedAtUtc { get; init; }
    public DateTime? AnsweredAtUtc { get; set; }
    public string? AnsweredBy { get; set; }
    public string? Answer { get; set; }
    public DateTime? ClosedAtUtc { get; set; }
    public string? ClosedBy { get; set; }
    public string? CloseNote { get; set; }
    public Guid Version { get; set; } = Guid.NewGuid();
    public List<RequestEvent> Events { get; init; } = [];
}

/// <summary>One step of a request's trail: who did what, when, with what note.</summary>
public sealed class RequestEvent
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid RequestId { get; init; }
    public DateTime AtUtc { get; init; }
    public required string By { get; init; }
    public RequestAction Action { get; init; }
    public string? Note { get; init; }
}

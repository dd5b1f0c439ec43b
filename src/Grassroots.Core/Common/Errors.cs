namespace Grassroots.Common;

/// <summary>Input that breaks a rule; mapped to HTTP 400 with an <c>errors</c> map keyed by field.</summary>
public sealed class ValidationException : Exception
{
    public ValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base(string.Join("；", errors.SelectMany(e => e.Value)))
    {
        Errors = errors;
    }

    public ValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    public IReadOnlyDictionary<string, string[]> Errors { get; }
}

/// <summary>The record does not exist or is outside the user's scope; mapped to 404 (no existence leak).</summary>
public sealed class NotFoundException(string what) : Exception($"未找到{what}。");

/// <summary>A workflow or business rule refused the action; mapped to 409 (conflict) or 422.</summary>
public sealed class DomainRuleException(string message, bool conflict = true) : Exception(message)
{
    public bool IsConflict { get; } = conflict;
}

/// <summary>The user may not do this at all (wrong role, not wrong record); mapped to 403.</summary>
public sealed class ForbiddenException(string message = "您没有执行此操作的权限。") : Exception(message);

/// <summary>Collects field errors, then throws one <see cref="ValidationException"/>.</summary>
public sealed class ValidationErrors
{
    readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(message);
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void ThrowIfAny()
    {
        if (Any) throw new ValidationException(ToDictionary());
    }
}

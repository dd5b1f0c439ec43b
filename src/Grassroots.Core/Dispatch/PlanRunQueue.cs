using System.Threading.Channels;

namespace Grassroots.Dispatch;

/// <summary>Plans waiting for the planner; the web host's worker takes them one at a time.</summary>
public sealed class PlanRunQueue
{
    readonly Channel<Guid> channel = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(Guid planId) => channel.Writer.TryWrite(planId);

    public IAsyncEnumerable<Guid> ReadAllAsync(CancellationToken ct) => channel.Reader.ReadAllAsync(ct);
}

using Grassroots.Common;
using Grassroots.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Grassroots.Manage;

/// <summary>
/// Takes a check-in from the signed-in cadre (S-MNG-1) and answers once it is committed: validates the payload, then
/// hands it to the group-commit writer (<see cref="CheckInWriter"/>) or, where there is none, writes it at once with
/// <see cref="CheckInBatchWriter"/>. It opens no database context of its own: on the busiest request the only database
/// work is the writer's, once per batch.
/// </summary>
public sealed class CheckInIntake(CurrentUser user, TimeProvider clock, IOptions<ManageOptions> options, IServiceProvider services, CheckInWriter? groupWriter = null)
{
    /// <summary>
    /// Records a check-in of the signed-in cadre. The answer comes only after the check-in is committed. A resend of a
    /// stored key answers as the first time (<see cref="CheckInOutcomeKind.Replayed"/>) even if a rule would now refuse it.
    /// </summary>
    public async Task<CheckInOutcome> SubmitAsync(CheckInRequest? body, CancellationToken ct)
    {
        CheckInSubmission submission;
        if (user.AccountUnchecked)
        {
            // The account is read with the batch, in the write's own round trip (see CheckInBatchWriter).
            var payload = CheckInRules.Validate(body);
            submission = new(Guid.Empty, user.Id, user.UserName, user.ClientAddress, payload, clock.GetUtcNow().UtcDateTime)
            {
                AccountUnchecked = true,
                SecurityStamp = user.UncheckedSecurityStamp,
            };
        }
        else
        {
            var personId = CadreService.RequirePersonId(user);
            var payload = CheckInRules.Validate(body);
            submission = new(personId, user.Id, user.UserName, user.ClientAddress, payload, clock.GetUtcNow().UtcDateTime);
        }
        var outcome = groupWriter is not null && options.Value.GroupCommit
            ? await groupWriter.SubmitAsync(submission, ct)
            : (await services.GetRequiredService<CheckInBatchWriter>().WriteAsync([submission], ct))[0];
        if (outcome.Kind == CheckInOutcomeKind.Forbidden) throw new ForbiddenException(outcome.Message!);
        return outcome;
    }
}

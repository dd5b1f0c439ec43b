namespace Grassroots.Manage;

/// <summary>
/// Settings of daily management (section <c>Grassroots:Manage</c>): the check-in geofence and its suspicion
/// thresholds, the late-upload window, leave routing and the monthly on-post minimum. Every value is a default a
/// prefecture may change in configuration without a release (DOMAIN §4).
/// </summary>
public sealed class ManageOptions
{
    public const string Section = "Grassroots:Manage";

    /// <summary>A check-in within this distance of the village's position is on post (S-MNG-1, default 1 km).</summary>
    public int GeofenceMetres { get; set; } = 1000;

    /// <summary>A check-in that reaches the server more than this long after the device time is marked late (uploaded from the device queue).</summary>
    public int LateAfterMinutes { get; set; } = 15;

    /// <summary>A check-in whose device time is older than this is refused (422) with a message: the late-upload window (default 72 h).</summary>
    public int MaxUploadDelayHours { get; set; } = 72;

    /// <summary>A device time ahead of the server's by more than this is refused (422): the phone's clock is wrong.</summary>
    public int MaxClockAheadMinutes { get; set; } = 10;

    /// <summary>Two check-ins of one cadre further apart than this speed allows are flagged (impossible speed).</summary>
    public double MaxSpeedKmh { get; set; } = 150;

    /// <summary>Identical coordinates (to 1e-6°, about 0.1 m) reported on this many different days within
    /// <see cref="RepeatedPositionWindowDays"/> are flagged: a real position never repeats that exactly.</summary>
    public int RepeatedPositionDays { get; set; } = 2;

    public int RepeatedPositionWindowDays { get; set; } = 7;

    /// <summary>A reported accuracy worse (larger) than this is flagged: the fence cannot be judged.</summary>
    public int PoorAccuracyMetres { get; set; } = 300;

    /// <summary>Group commit: one writer commits the check-ins that arrived together in one transaction
    /// (<see cref="CheckInWriter"/>). Off: each request commits its own.</summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>Group-commit writers side by side on PostgreSQL (each account always on the same one). One is fastest
    /// on the measured 2-core server (bigger batches cost less per check-in: 1,162/s with one, 571/s with four, 314/s with
    /// eight); more may pay where commits, not processors, are the limit. SQLite always takes one.</summary>
    public int Writers { get; set; } = 1;

    /// <summary>The most check-ins one group commit takes.</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>Leave of at most this many days is approved by the township (S-MNG-2).</summary>
    public int TownshipMaxDays { get; set; } = 3;

    /// <summary>Leave of at most this many days (and more than <see cref="TownshipMaxDays"/>) by the county village-work
    /// office; longer by the county organisation department.</summary>
    public int CountyOfficeMaxDays { get; set; } = 7;

    /// <summary>The longest leave one request may ask for.</summary>
    public int MaxLeaveDays { get; set; } = 90;

    /// <summary>Leave may start this many days before the day it is asked for (sick leave reported afterwards).</summary>
    public int LeaveBackdateDays { get; set; } = 3;

    /// <summary>Days a check-in's raw GPS position is kept (SECURITY.md: positions only as long as the policy says);
    /// then <see cref="PositionRetention"/> clears it and keeps what was judged from it. Default 90.</summary>
    public int PositionRetentionDays { get; set; } = 90;

    /// <summary>The shortest position retention allowed: the suspicion rules and late uploads look back this far.</summary>
    public const int MinimumPositionRetentionDays = 14;

    /// <summary>Required on-post days in a month (S-MNG-2, default 20), prorated when a posting covers part of the month.</summary>
    public int MinimumOnPostDays { get; set; } = 20;
}

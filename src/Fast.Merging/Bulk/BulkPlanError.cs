namespace Fast.Merging.Bulk;

/// <summary>One problem that makes a plan unusable.</summary>
/// <param name="Line">The PLAN line (1-based), or null when the problem is not on one line (a sweep option).</param>
/// <param name="Message">What is wrong, one line.</param>
public sealed record BulkPlanError(int? Line, string Message);

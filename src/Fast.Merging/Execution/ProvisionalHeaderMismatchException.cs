namespace Fast.Merging.Execution;

/// <summary>
/// The final metadata of an output planned with placeholder hashes does not fit the header's length (two inputs
/// turned out to have the same bytes, so <c>sd_merge_models</c> lists one model where the placeholders listed two).
/// Internal: the merge is then run again with the hashes known, which the caller does.
/// </summary>
internal sealed class ProvisionalHeaderMismatchException : Exception
{
    public ProvisionalHeaderMismatchException()
        : base("the final metadata changes the header's length")
    {
    }
}

namespace Fast.Kernels.Filters;

/// <summary>Splits independent rows over cores; results never depend on the split because every row is computed alone.</summary>
internal static class FilterParallel
{
    /// <summary>Below this many elements the thread hand-off costs more than the work.</summary>
    private const int SequentialBelow = 1 << 15;

    public static void ForRanges(int rowCount, long totalElements, int maxDegreeOfParallelism, Action<int, int> body)
    {
        int cores = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        if (rowCount <= 1 || cores == 1 || totalElements < SequentialBelow)
        {
            body(0, rowCount);
            return;
        }

        int chunks = Math.Min(rowCount, cores * 4);
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : -1 };
        Parallel.For(0, chunks, options, c =>
        {
            int start = (int)((long)rowCount * c / chunks);
            int end = (int)((long)rowCount * (c + 1) / chunks);
            body(start, end);
        });
    }
}

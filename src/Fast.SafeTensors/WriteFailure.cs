namespace Fast.SafeTensors;

/// <summary>Why <see cref="SafeTensorsWriter"/> refused to produce its output.</summary>
public enum WriteFailure
{
    /// <summary>The output path exists and overwriting was not asked for.</summary>
    OutputExists,

    /// <summary><see cref="SafeTensorsWriter.Commit"/> found tensor bytes that were never written.</summary>
    Incomplete,
}

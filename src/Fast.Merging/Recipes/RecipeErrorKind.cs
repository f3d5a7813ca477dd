namespace Fast.Merging.Recipes;

/// <summary>The rule a recipe breaks.</summary>
public enum RecipeErrorKind
{
    /// <summary>A mode, calcmode, policy or dtype name is not known.</summary>
    UnknownName,

    /// <summary>The recipe JSON cannot be read.</summary>
    MalformedJson,

    /// <summary>Model A is missing.</summary>
    MissingModelA,

    /// <summary>Model B is missing.</summary>
    MissingModelB,

    /// <summary>The mode or calcmode needs model C and none is given.</summary>
    MissingModelC,

    /// <summary>Model C is given but the mode does not use it.</summary>
    UnusedModelC,

    /// <summary>trainDifference, smoothAdd and extract work on add difference only.</summary>
    CalcModeRequiresAddDifference,

    /// <summary>tensor, tensor2, cosineA and cosineB work on weighted sum only.</summary>
    CalcModeRequiresWeightSum,

    /// <summary>Scaled sum has no calcmodes.</summary>
    ScaledSumRequiresNormal,

    /// <summary>α, β or γ is not a finite number.</summary>
    InvalidNumber,

    /// <summary>A block weight list or preset cannot be parsed for the model's layout.</summary>
    InvalidBlockWeights,

    /// <summary>Block weight lists were given for a model whose architecture has no known blocks.</summary>
    BlockWeightsNeedKnownArchitecture,

    /// <summary>A β list was given to a mode and calcmode that use no β.</summary>
    UnusedBetaWeights,

    /// <summary>Scaled-sum factor lists were given to another mode.</summary>
    UnusedScaledSumWeights,

    /// <summary>A sha256 is not 64 hex digits.</summary>
    InvalidSha256,

    /// <summary>An include/exclude item matches no key and no block of model A (a typo such as <c>IN4</c>).</summary>
    UnknownFilterItem,

    /// <summary>A calcmode that draws random numbers (plus random) was given no seed.</summary>
    MissingSeed,

    /// <summary>"Use old calc method" was asked for with a calcmode other than normal.</summary>
    OldCalcRequiresNormal,
}

namespace Fast.Merging.Tests.Bulk;

/// <summary>The bulk test classes share one <see cref="BulkModels"/>: the models and the 50 reference merges are made once.</summary>
[CollectionDefinition(Name)]
public sealed class SharedBulkModels : ICollectionFixture<BulkModels>
{
    public const string Name = "bulk models";
}

namespace Platform.Hosting;

public static class ResourceBuilderExtensions
{
    /// <summary>Gives the process <c>ConnectionStrings__&lt;name&gt;</c> (nothing when the source is disabled).</summary>
    public static IResourceBuilder<T> WithReference<T, TSource>(this IResourceBuilder<T> builder, IResourceBuilder<TSource> source)
        where T : ExecutableResource
        where TSource : Resource, IResourceWithConnectionString =>
        builder.Reference(source.Resource, $"ConnectionStrings__{source.Resource.Name}", () => source.Resource.ConnectionString);

    /// <summary>Gives the process <c>services__&lt;name&gt;__http__0</c>, the other project's URL, and
    /// <c>services__&lt;name&gt;__h2c__0</c> when it also serves h2c.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<ExecutableResource> source)
        where T : ExecutableResource =>
        builder.Reference(source.Resource, $"services__{source.Resource.Name}__http__0", () => source.Resource.Url)
               .Reference(source.Resource, $"services__{source.Resource.Name}__h2c__0", () => source.Resource.H2cUrl);

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : ExecutableResource
    {
        builder.Resource.AddEnvironment(variables => variables[name] = value);
        return builder;
    }

    /// <summary>Gives the process a variable whose value is known only at start (another resource's port, say).</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, Func<string?> value)
        where T : ExecutableResource
    {
        builder.Resource.AddEnvironment(variables => variables[name] = value());
        return builder;
    }

    /// <summary>
    /// Gives the process a 32-byte secret key (base64) in <paramref name="variable"/>: derived from the data
    /// directory's master key, so it is stable across runs, and random for ephemeral apps.
    /// </summary>
    public static IResourceBuilder<T> WithSecretKey<T>(this IResourceBuilder<T> builder, string variable, string purpose)
        where T : ExecutableResource
    {
        var context = builder.ApplicationBuilder.Context;
        builder.Resource.AddEnvironment(variables => variables[variable] = context.Passwords.GetKey(purpose));
        return builder;
    }

    /// <summary>
    /// Gives the process the private half of an ES256 key pair (PKCS#8 DER, base64) in <paramref name="variable"/>: only the
    /// resource that signs (the gateway) should get it.
    /// </summary>
    public static IResourceBuilder<T> WithSigningKey<T>(this IResourceBuilder<T> builder, string variable, string purpose)
        where T : ExecutableResource
    {
        var context = builder.ApplicationBuilder.Context;
        builder.Resource.AddEnvironment(variables => variables[variable] = Convert.ToBase64String(context.Passwords.GetSigningKey(purpose).ExportPkcs8PrivateKey()));
        return builder;
    }

    /// <summary>Gives the process the public half of the key pair (SubjectPublicKeyInfo DER, base64) in <paramref name="variable"/>, to verify signatures.</summary>
    public static IResourceBuilder<T> WithVerificationKey<T>(this IResourceBuilder<T> builder, string variable, string purpose)
        where T : ExecutableResource
    {
        var context = builder.ApplicationBuilder.Context;
        builder.Resource.AddEnvironment(variables => variables[variable] = Convert.ToBase64String(context.Passwords.GetSigningKey(purpose).ExportSubjectPublicKeyInfo()));
        return builder;
    }

    /// <summary>Starts this resource only once the dependency is ready (running, healthy or disabled).</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency)
        where T : Resource
    {
        builder.Resource.AddWaitFor(dependency.Resource);
        return builder;
    }

    // The value is read at each launch: ports and passwords are settled only when the app starts.
    private static IResourceBuilder<T> Reference<T>(this IResourceBuilder<T> builder, Resource dependency, string variable, Func<string?> value)
        where T : ExecutableResource
    {
        builder.Resource.AddReference(dependency);
        builder.Resource.AddEnvironment(variables =>
        {
            if (value() is { } current)
            {
                variables[variable] = current;
            }
        });
        return builder;
    }
}

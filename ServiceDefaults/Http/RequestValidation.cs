using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults.Http;

/// <summary>
/// A request that checks itself: a JSON body record or an <c>[AsParameters]</c> record of query values. The
/// validation filter asks it before the handler runs, so handlers only ever see valid requests.
/// </summary>
public interface IValidatableRequest
{
    /// <summary>The first problem, or null when the request is valid.</summary>
    FieldProblem? Validate();
}

/// <summary>What is wrong with one field; answered as a 400 naming it (<see cref="Invalid.Field"/>).</summary>
public sealed record FieldProblem(string Field, string Message, string? Code = null);

public static class RequestValidation
{
    /// <summary>
    /// Validates every <see cref="IValidatableRequest"/> argument of the group's endpoints before their handlers
    /// run, and declares the 400 in their metadata. A group's filters run before its endpoints' own, so the
    /// <c>X-Domain</c> check is made here first: as everywhere, a wrong domain is reported before invalid input.
    /// </summary>
    public static TBuilder WithRequestValidation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault() is { } handler && ValidatedArguments(handler).Length > 0)
            {
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(
                    StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), ["application/problem+json"]));
            }
            endpoint.FilterFactories.Add((context, next) =>
            {
                var validated = ValidatedArguments(context.MethodInfo);
                return validated.Length == 0 ? next : invocation =>
                {
                    foreach (var index in validated)
                    {
                        if (invocation.Arguments[index] is IValidatableRequest request && request.Validate() is { } problem)
                        {
                            return ValueTask.FromResult<object?>(DomainFilter.Refusal(invocation.HttpContext)
                                ?? (IResult)Invalid.Field(problem.Field, problem.Message, problem.Code));
                        }
                    }
                    return next(invocation);
                };
            });
        });
        return builder;
    }

    private static int[] ValidatedArguments(MethodInfo handler) =>
        handler.GetParameters()
            .Select((parameter, index) => (parameter, index))
            .Where(p => typeof(IValidatableRequest).IsAssignableFrom(p.parameter.ParameterType))
            .Select(p => p.index)
            .ToArray();
}

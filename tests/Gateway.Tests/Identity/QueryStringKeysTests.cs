using Platform.Gateway.Identity;

namespace Platform.Gateway.Tests.Identity;

public sealed class QueryStringKeysTests
{
    [Theory]
    [InlineData("?api_key=secret")]
    [InlineData("?APIKEY=secret")]
    [InlineData("?guestPhone=%2B5491155&Api-Key=secret")]
    [InlineData("?x-api-key=")]
    [InlineData("?access_token")]
    [InlineData("?a=1&&Access_Token=t&b=2")]
    [InlineData("?api%5Fkey=secret")]
    [InlineData("?%61pikey=secret")]
    public void A_credential_in_the_query_is_found(string query)
    {
        Assert.True(QueryStringKeys.ContainsApiKey(query));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?")]
    [InlineData("?guestPhone=%2B5491155")]
    [InlineData("?q=api_key")]
    [InlineData("?api_keys=1")]
    [InlineData("?my_api_key=1")]
    [InlineData("?token=1")]
    public void Anything_else_is_not(string query)
    {
        Assert.False(QueryStringKeys.ContainsApiKey(query));
    }
}

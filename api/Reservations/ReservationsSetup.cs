using Platform.Api.Accommodations;

namespace Platform.Api.Reservations;

public static class ReservationsSetup
{
    public static WebApplicationBuilder AddReservations(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReservationOptions>().BindConfiguration(ReservationOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AccommodationCatalog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AccommodationCatalog>());
        builder.Services.AddSingleton<HoldQuotas>();
        builder.Services.AddSingleton<ReservationWriter>();
        builder.Services.AddSingleton<ReservationTransitions>();
        builder.Services.AddSingleton<ReservationQueries>();
        builder.Services.AddHostedService<ExpirySweeper>();
        return builder;
    }
}

export const formatPrice = (cents: number, currency: string = "EUR"): string => {
    return new Intl.NumberFormat("de-DE", { style: "currency", currency }).format(cents / 100);
};

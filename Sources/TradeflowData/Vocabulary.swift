/// Words the generator builds names from. Account names are stored in a latin1 column, so they
/// use accented Latin letters only; customer names (utf8mb4) also use other scripts.
enum Vocabulary {
    /// Order notes: what a CSV writer must quote (comma, quotes, `;`, LF, CRLF) and text beyond Latin-1.
    static let notes = [
        "Deliver to gate 3, ask for \"Jörg\"", "Call ahead; dock closes 16:00", "Tor 2\nRampe links, \"nicht\" klingeln",
        "配達前に電話 — Hof\r\nTor 2",
    ]

    static let accountNames = [
        "Müller Großhandel", "Société Lyonnaise de Négoce", "Åkesson & Söner", "Ørsted Engros",
        "Pão de Açúcar Distribuição", "Café Señorío", "Brückner Werkzeuge", "Nordlicht Handel",
        "Élan Fournitures", "Håkon Verktøy", "Zürcher Bürobedarf", "Crème Brûlée Supplies",
        "Straße & Söhne", "Ibérica Mayorista", "Dvorák Components", "Þórsson Trading",
    ]
    static let companyStems = [
        "Acme", "Bäckerei Schulz", "Nordwind", "Hôtel du Lac", "東京商事", "Fjällräven Partners", "Olé Foods",
        "Blue Harbor", "Vértice", "Zeta Logistics", "Kowalski & Syn", "Sunrise Café", "Dragon Ridge 龍", "Emoji Store 🛒",
    ]
    static let companySuffixes = ["GmbH", "AG", "SARL", "Ltd", "Inc.", "AB", "BV", "K.K.", "S.L.", "Sp. z o.o."]
    static let countries = ["DE", "DE", "DE", "AT", "CH", "FR", "NL", "GB", "US", "JP", "SE", "PL"]
    static let zones = ["Europe/Berlin", "Europe/Berlin", "Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo"]
    static let adjectives = ["Heavy-duty", "Organic", "Stainless", "Compact", "Premium", "Recycled", "Industrial", "Classic"]
    static let nouns = ["Pallet Wrap", "Coffee Beans", "Hex Bolts", "Shelving Unit", "Paper Towels", "Olive Oil", "Cable Ties", "Work Gloves"]
    static let colors = ["red", "green", "blue", "black", "white", "natural"]
}

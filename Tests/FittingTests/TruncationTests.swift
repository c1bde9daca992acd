import Fitting
import Testing

/// Every prefix of a valid file is either the whole file's content or refused with located
/// problems: never a crash, never half a catalog.
@Suite("Files cut short at every byte")
struct TruncationTests {
    @Test("a catalog cut at every byte is refused with its first problem located, until it is whole")
    func catalogPrefixes() {
        let bytes = Array(specCatalogJSON.utf8)
        let whole = try? CatalogDecoder().decode(bytes)
        for cut in 0..<bytes.count {
            do {
                let catalog = try CatalogDecoder().decode(Array(bytes[..<cut]))
                // Only trailing whitespace may be cut from a file that still decodes.
                #expect(catalog == whole, "a prefix of \(cut) bytes decoded to something else")
            } catch {
                #expect(!error.issues.isEmpty)
                #expect(!error.issues[0].key.isEmpty)
            }
        }
    }

    @Test("an articles file cut at every byte is refused naming a row and column, or reads as whole rows")
    func articlesPrefixes() throws {
        let lines = try decodeCatalog(specCatalogJSON).lines
        let text = """
            sku,gtin,line,style,class,size,length,toe,color,hcpcs
            AD2-II-R,04012345678901,northwind-classic,AD,2,II,regular,closed,beige,
            AD2-III-R,00000000000017,northwind-classic,AD,2,III,regular,closed,"beige, light",

            """
        let scalars = Array(text.unicodeScalars)
        for cut in 0..<scalars.count {
            let prefix = String(String.UnicodeScalarView(scalars[..<cut]))
            do {
                let articles = try ArticleDecoder(lines: lines).decode(prefix)
                // What was read are whole rows of the file, in order.
                #expect(articles.count <= 2)
                #expect(articles.allSatisfy { ["AD2-II-R", "AD2-III-R"].contains($0.sku) })
            } catch {
                #expect(!error.issues.isEmpty, "cut at \(cut)")
            }
        }
    }
}

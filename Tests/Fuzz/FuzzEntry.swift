// The fuzzing entry point for libFuzzer. `Tests/Fuzz/run` compiles this file together with the
// sources of the Fitting module into one binary per reader (swiftc -sanitize=fuzzer,address); it
// is not part of the package build. With FUZZ_ARTICLES it feeds the articles CSV reader (through
// the UTF-8 check the import uses), otherwise the catalog JSON decoder.

#if FUZZ_ARTICLES
    /// The lines the articles are checked against: a small catalog in the format's shape.
    let fuzzLines: [ProductLine] = {
        let catalog = """
            {"format": "compression-catalog", "version": 1, "manufacturer": "Fuzz", "lines": [
              {"id": "l", "name": "L", "standard": "RAL", "classes": ["1", "2"], "styles": ["AD", "AG"], "unit": "cm",
               "sizes": [{"size": "I", "cB": [18, 20], "cC": [28, 35], "cD": [26, 33], "cG": [42, 55]},
                         {"size": "II", "cB": [20, 22], "cC": [30, 38], "cD": [28, 36], "cG": [46, 59]}],
               "lengths": [{"style": "AD", "name": "short", "lD": [32, 38]}, {"style": "AG", "name": "short", "lG": [62, 71]}]}
            ]}
            """
        return (try? CatalogDecoder().decode(Array(catalog.utf8)).lines) ?? []
    }()

    /// libFuzzer's entry: one input, read as an articles file.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzArticles(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        let bytes = Array(UnsafeBufferPointer(start: data, count: size))
        guard let text = try? UTF8Text.decode(bytes) else { return 0 }
        do {
            _ = try ArticleDecoder(lines: fuzzLines).decode(text)
        } catch {
            // Every refusal must be located: a row from 1 and a named column.
            precondition(!error.issues.isEmpty && error.issues[0].row >= 1 && !error.issues[0].column.isEmpty)
        }
        return 0
    }
#else
    /// libFuzzer's entry: one input, read as a catalog file.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzCatalog(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        let bytes = Array(UnsafeBufferPointer(start: data, count: size))
        do {
            _ = try CatalogDecoder().decode(bytes)
        } catch {
            // Every refusal says where: a line and size when inside one, and always the key (which a
            // file may name "" — found by this fuzzer, and reported as the key "").
            // Compared as bytes: a key that begins with a combining mark joins the quote before it
            // into one Character (found by this fuzzer too).
            precondition(
                !error.issues.isEmpty
                    && Array(error.issues[0].description.utf8).firstRange(of: Array("key \"".utf8)) != nil)
        }
        return 0
    }
#endif

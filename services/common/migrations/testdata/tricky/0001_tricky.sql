-- Bytes a naive embedding would break: )" )sql" )__" R"( \ \x00 ??= 
SELECT $q$)"$q$ AS quote, E'\\' AS backslash, 'ü🧬 日本' AS utf8;
	-- trailing whitespace and no final newline  
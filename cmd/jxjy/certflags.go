package main

import (
	"flag"

	"jxjy/server"
	"jxjy/server/certpdf"
)

// certFlags are the certificate settings of every command that runs a
// server (serve, the embedded server of jxjy and jxjy ssh).
type certFlags struct {
	font, publicURL *string
}

func addCertFlags(fs *flag.FlagSet) certFlags {
	return certFlags{
		font: fs.String("cjk-font", "", "TrueType font embedded in certificate PDFs (default $"+certpdf.EnvFont+", then the PDF standard Chinese font STSong-Light, which readers supply)"),
		publicURL: fs.String("public-url", envOr("JXJY_PUBLIC_URL", ""),
			"address outsiders reach this server at, e.g. https://jxjy.example.gov.cn: each certificate's QR code opens its /verify page (default: no QR code)"),
	}
}

// apply checks the flags and sets them in cfg.
func (c certFlags) apply(cfg *server.Config) error {
	if *c.publicURL != "" {
		if err := certpdf.CheckPublicURL(*c.publicURL); err != nil {
			return err
		}
	}
	cfg.CJKFont, cfg.PublicURL = *c.font, *c.publicURL
	return nil
}

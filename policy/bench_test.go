package policy

import "testing"

// BenchmarkDecodeCatalog is the one-off cost a scan pays the first time it
// needs an access level.
func BenchmarkDecodeCatalog(b *testing.B) {
	for b.Loop() {
		if c := decodeCatalog(catalogGz); c.Services() == 0 {
			b.Fatal("empty catalog")
		}
	}
}

// benchPolicies are policies of the shapes a scan meets most: a bucket
// policy with a Deny and a condition, a key policy, a trust policy, a
// queue policy confined by aws:SourceArn.
var benchPolicies = []string{
	`{"Version":"2012-10-17","Statement":[{"Sid":"Readers","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:root","arn:aws:iam::111122223333:role/app"]},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]},{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`,
	`{"Version":"2012-10-17","Statement":[{"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},{"Sid":"PartnerDecrypt","Effect":"Allow","Principal":{"AWS":["*"]},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"sqs.us-east-1.amazonaws.com","kms:CallerAccount":"111122223333"}}}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}},{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:q","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:events"}}}]}`,
}

// BenchmarkParse is policy normalisation: JSON with positions to a
// Document (principals classified, conditions parsed, actions checked).
func BenchmarkParse(b *testing.B) {
	data := make([][]byte, len(benchPolicies))
	for i, p := range benchPolicies {
		data[i] = []byte(p)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range data {
			v, err := ParseJSON(d, JSONOptions{File: "main.tf"})
			if err != nil {
				b.Fatal(err)
			}
			if doc := Parse(v); len(doc.Statements) == 0 {
				b.Fatal("no statements")
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(data))/1000, "µs/policy")
}
